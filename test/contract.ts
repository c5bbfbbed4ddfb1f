import { exports } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";

/**
 * Holds every answer the tests see to the OpenAPI document the Worker serves: a documented route
 * and method must answer a status the document lists for it, with the content type and headers it
 * declares, and a body its schema accepts. What the document does not describe (an unknown path,
 * a method a path does not have) is the router's 404 or 405, checked by the tests themselves.
 */

interface Documented {
	content?: Record<string, { schema: unknown }>;
	headers?: Record<string, { required?: boolean }>;
}
interface Document {
	paths: Record<string, Record<string, { responses: Record<string, Documented> }>>;
	components: { schemas: Record<string, unknown> };
}
interface Route {
	method: string;
	template: string;
	pattern: RegExp;
	responses: Record<string, Documented>;
}

let loaded: Promise<{ doc: Document; routes: Route[] }> | undefined;
const validators = new Map<string, Validator>();

function load() {
	loaded ??= exports.default.fetch("https://orders.test/openapi.json").then(async (response) => {
		const doc = await response.json<Document>();
		const routes = Object.entries(doc.paths).flatMap(([template, methods]) =>
			Object.entries(methods).map(([method, operation]) => ({
				method: method.toUpperCase(),
				template,
				pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
				responses: operation.responses,
			})),
		);
		return { doc, routes };
	});
	return loaded;
}

/**
 * A validator for one schema of the document, its `#/components/schemas/` references made local. It
 * stops at the first error (and at the first branch of an anyOf that fits): every answer of every test
 * and chaos case is checked, and a breach needs one error to be found.
 */
function validator(doc: Document, key: string, schema: unknown): Validator {
	let found = validators.get(key);
	if (!found) {
		const local = (value: unknown) =>
			JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
		found = new Validator({ ...local(schema), $defs: local(doc.components.schemas) }, "2020-12", true);
		validators.set(key, found);
	}
	return found;
}

/** What the answer to `method url` does that the served document does not say it may. Empty: it keeps the contract. */
export async function contractBreaches(method: string, url: string, response: Response): Promise<string[]> {
	const { doc, routes } = await load();
	const path = new URL(url).pathname;
	const route = routes.find((r) => r.method === method && r.pattern.test(path));
	if (!route) return [];
	const where = `${method} ${route.template} answered ${response.status}`;
	const documented = route.responses[String(response.status)];
	if (!documented) return [`${where}, a status the document does not list`];
	const breaches: string[] = [];
	for (const [header, spec] of Object.entries(documented.headers ?? {}))
		if (spec.required !== false && !response.headers.has(header))
			breaches.push(`${where} without its documented ${header} header`);
	const type = (response.headers.get("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
	const content = documented.content?.[type];
	if (!content) return [...breaches, `${where} as ${type || "no content type"}, not as documented`];
	// A stream stays open: its content type is the contract; its events are checked by its own tests.
	if (!/json$/.test(type)) return breaches;
	let body: unknown;
	try {
		body = await response.clone().json();
	} catch {
		return [...breaches, `${where} with a body that is not JSON`];
	}
	const result = validator(doc, `${method} ${route.template} ${response.status} ${type}`, content.schema).validate(
		body,
	);
	if (!result.valid) {
		const errors = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).slice(0, 5);
		breaches.push(
			`${where} with a body its schema refuses: ${errors.join("; ")} (body: ${JSON.stringify(body).slice(0, 300)})`,
		);
	}
	return breaches;
}

/** Throws when the answer breaks the contract: for helpers every test goes through. */
export async function holdToContract(method: string, url: string, response: Response): Promise<Response> {
	const breaches = await contractBreaches(method, url, response);
	if (breaches.length > 0) throw new Error(`the answer breaks the OpenAPI document:\n${breaches.join("\n")}`);
	return response;
}
