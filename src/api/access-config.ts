import { z } from "zod";

/**
 * Signing in to the console as a person through Cloudflare Access: both settings, or neither (the
 * console then signs in with operator keys alone). Read from the Worker's vars.
 */
export const AccessEnv = z
	.object({
		/** The Access team's domain, `https://<team>.cloudflareaccess.com`: its tokens' issuer, its keys at `/cdn-cgi/access/certs`. Default: none. */
		ACCESS_TEAM_DOMAIN: z
			.url({ protocol: /^https$/, error: "must be an https:// URL, the team's domain" })
			.regex(/^[^?#]*[^/?#]$/, "must be the team's domain alone, with no path end slash, query or fragment")
			.optional(),
		/** The Access application's audience tag (AUD): a token for another application is refused. Default: none. */
		ACCESS_AUD: z.string().trim().min(1).max(200).optional(),
	})
	.superRefine((env, ctx) => {
		if ((env.ACCESS_TEAM_DOMAIN === undefined) !== (env.ACCESS_AUD === undefined))
			ctx.addIssue({
				code: "custom",
				path: [env.ACCESS_AUD === undefined ? "ACCESS_AUD" : "ACCESS_TEAM_DOMAIN"],
				message: "must be set together with the other ACCESS_ setting, or neither",
			});
	});

/** The Access application this Worker trusts, or null when people do not sign in through Access. */
export function accessConfig(env: object): { teamDomain: string; audience: string } | null {
	const { ACCESS_TEAM_DOMAIN: teamDomain, ACCESS_AUD: audience } = AccessEnv.parse(env);
	return teamDomain && audience ? { teamDomain, audience } : null;
}
