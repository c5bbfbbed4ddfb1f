import { ConfigError } from "../order/config";
import { DEFAULT_TENANT, TENANT_PATTERN } from "../order/tenant";

/** Shortest key accepted, in characters: a guessable key is a configuration error, not a risk taken quietly. */
export const MIN_KEY_LENGTH = 16;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A configured key: whose it is, its name for the audit trail, and its SHA-256 (the key itself is not kept). */
export interface Key {
	tenant: string;
	name: string;
	digest: Uint8Array;
}

const encoder = new TextEncoder();
export const sha256 = async (text: string) =>
	new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

/**
 * Parses a comma-separated key list. Client entries are `tenant:name:key`, `name:key` (tenant
 * `default`) or a bare key (tenant `default`, named by its position: `key-3`); operator entries are
 * `name:key` or a bare key, for every tenant. A key with a `:` in it, or shorter than 16 characters,
 * a bad tenant or name, or a name used twice is a configuration error that says which entry.
 */
export async function parseKeys(list: string, setting: string, withTenant: boolean): Promise<Key[]> {
	const entries = list
		.split(",")
		.map((entry) => entry.trim())
		.filter(Boolean);
	const keys = await Promise.all(
		entries.map(async (entry, i) => {
			const parts = entry.split(":");
			const where = `${setting} entry ${i + 1}`;
			if (parts.length > (withTenant ? 3 : 2))
				throw new ConfigError(
					`${where}: a key must not contain ":" (write ${withTenant ? "tenant:name:key" : "name:key"})`,
				);
			const key = parts.at(-1) ?? "";
			const name = parts.length >= 2 ? (parts.at(-2) ?? "") : `key-${i + 1}`;
			const tenant = parts.length === 3 ? (parts[0] ?? "") : DEFAULT_TENANT;
			if (key.length < MIN_KEY_LENGTH)
				throw new ConfigError(`${where}: the key is shorter than ${MIN_KEY_LENGTH} characters`);
			if (!NAME.test(name))
				throw new ConfigError(`${where}: the name "${name}" must be 1–64 letters, digits, _, . or -`);
			if (!TENANT_PATTERN.test(tenant))
				throw new ConfigError(`${where}: the tenant "${tenant}" must be 1–32 lowercase letters, digits or -`);
			return { tenant, name, digest: await sha256(key) };
		}),
	);
	const names = keys.map((k) => `${k.tenant}:${k.name}`);
	const twice = names.find((name, i) => names.indexOf(name) !== i);
	if (twice) throw new ConfigError(`${setting}: the key name ${twice} is used twice`);
	return keys;
}
