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

/** A key list's entry as written, before hashing: what the configuration check looks at. */
export interface KeyEntry {
	tenant: string;
	name: string;
	key: string;
}

const encoder = new TextEncoder();
export const sha256 = async (text: string) =>
	new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

/**
 * Reads a comma-separated key list. Client entries are `tenant:name:key`, `name:key` (tenant
 * `default`) or a bare key (tenant `default`, named by its position: `key-3`); operator entries are
 * `name:key` or a bare key, for every tenant. A key with a `:` in it, or shorter than 16 characters,
 * a bad tenant or name, or a name used twice is a problem that says which entry, never the key.
 */
export function readKeyList(
	list: string,
	setting: string,
	withTenant: boolean,
): { entries: KeyEntry[]; problems: string[] } {
	const problems: string[] = [];
	const entries: KeyEntry[] = [];
	list
		.split(",")
		.map((entry) => entry.trim())
		.filter(Boolean)
		.forEach((entry, i) => {
			const parts = entry.split(":");
			const where = `${setting} entry ${i + 1}`;
			if (parts.length > (withTenant ? 3 : 2)) {
				problems.push(`${where}: a key must not contain ":" (write ${withTenant ? "tenant:name:key" : "name:key"})`);
				return;
			}
			const key = parts.at(-1) ?? "";
			const name = parts.length >= 2 ? (parts.at(-2) ?? "") : `key-${i + 1}`;
			const tenant = parts.length === 3 ? (parts[0] ?? "") : DEFAULT_TENANT;
			if (key.length < MIN_KEY_LENGTH) problems.push(`${where}: the key is shorter than ${MIN_KEY_LENGTH} characters`);
			else if (!NAME.test(name)) problems.push(`${where}: the name "${name}" must be 1–64 letters, digits, _, . or -`);
			else if (!TENANT_PATTERN.test(tenant))
				problems.push(`${where}: the tenant "${tenant}" must be 1–32 lowercase letters, digits or -`);
			else entries.push({ tenant, name, key });
		});
	const names = entries.map((k) => `${k.tenant}:${k.name}`);
	const twice = names.find((name, i) => names.indexOf(name) !== i);
	if (twice) problems.push(`${setting}: the key name ${twice} is used twice`);
	return { entries, problems };
}

/** The key list, each key hashed; a list with a problem is a configuration error naming the entry. */
export async function parseKeys(list: string, setting: string, withTenant: boolean): Promise<Key[]> {
	const { entries, problems } = readKeyList(list, setting, withTenant);
	if (problems.length > 0) throw new ConfigError(problems.join("; "));
	return Promise.all(entries.map(async ({ tenant, name, key }) => ({ tenant, name, digest: await sha256(key) })));
}
