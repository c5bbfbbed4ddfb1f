import { describe, expect, it } from "vitest";
import { parseKeys, sha256 } from "../../src/api/keys";

const KEY = "0123456789abcdef";

describe("API key lists", () => {
	it("reads tenant:name:key, name:key and bare keys", async () => {
		const keys = await parseKeys(`acme:shop:${KEY}1, web:${KEY}2, ${KEY}3`, "API_KEYS", true);
		expect(keys.map(({ tenant, name }) => `${tenant}:${name}`)).toEqual(["acme:shop", "default:web", "default:key-3"]);
		expect(keys[2]?.digest).toEqual(await sha256(`${KEY}3`));
	});

	it.each([
		["a key with a colon", `a:b:c:${KEY}`, 'API_KEYS entry 1: a key must not contain ":" (write tenant:name:key)'],
		["a short key", "shop:short-key", "API_KEYS entry 1: the key is shorter than 16 characters"],
		["a bad tenant", `Acme:shop:${KEY}`, 'API_KEYS entry 1: the tenant "Acme" must be 1–32 lowercase letters'],
		["a bad name", `acme:sh op:${KEY}`, 'API_KEYS entry 1: the name "sh op" must be'],
		["a name used twice", `shop:${KEY}1, shop:${KEY}2`, "API_KEYS: the key name default:shop is used twice"],
	])("refuses %s with a message that says which entry", async (_, list, message) => {
		await expect(parseKeys(list, "API_KEYS", true)).rejects.toThrow(message);
	});

	it("takes no tenant in operator keys: their keys see every tenant", async () => {
		await expect(parseKeys(`acme:alice:${KEY}`, "OPERATOR_KEYS", false)).rejects.toThrow(
			"OPERATOR_KEYS entry 1: a key must not contain",
		);
		expect(await parseKeys(`alice:${KEY}`, "OPERATOR_KEYS", false)).toMatchObject([{ name: "alice" }]);
	});
});
