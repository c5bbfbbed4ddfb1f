import type { z } from "zod";
import { AccessEnv } from "../api/access-config";
import { readKeyList } from "../api/keys";
import { StreamEnv } from "../api/stream-config";
import { BreakerEnv, OpsEnv } from "../ops/config";
import { ConfigError, OrderEnv } from "../order/config";
import { DEPLOYED_MIN_SECRET, deployedUrlProblem, Environment, isDeployed, URL_SETTINGS } from "./deployment";

/** One bad setting: its name and what is wrong, in words. Never its value: it may be a secret. */
export interface ConfigProblem {
	setting: string;
	problem: string;
}

/** Every schema of a setting, each with its defaults, as the code that reads them declares them. */
const SCHEMAS: z.ZodObject[] = [OrderEnv, OpsEnv, BreakerEnv, StreamEnv, AccessEnv];

/** The name of every setting the check reads: what its answer depends on. */
export const SETTINGS = [
	...new Set([...SCHEMAS.flatMap((schema) => Object.keys(schema.shape)), "API_KEYS", "OPERATOR_KEYS", "ENVIRONMENT"]),
];

function schemaProblems(schema: z.ZodObject, env: Record<string, unknown>): ConfigProblem[] {
	const parsed = schema.safeParse(env);
	if (parsed.success) return [];
	return parsed.error.issues.map((issue) => {
		const setting = String(issue.path[0] ?? "configuration");
		const unset = issue.code === "invalid_type" && env[setting] === undefined;
		return { setting, problem: unset ? "is not set" : issue.message };
	});
}

function keyProblems(env: Record<string, unknown>, deployed: boolean): ConfigProblem[] {
	const problems: ConfigProblem[] = [];
	for (const [setting, withTenant] of [
		["API_KEYS", true],
		["OPERATOR_KEYS", false],
	] as const) {
		const list = env[setting];
		if (typeof list !== "string" || list.trim() === "") {
			problems.push({ setting, problem: "is not set: at least one key is needed" });
			continue;
		}
		const read = readKeyList(list, setting, withTenant);
		for (const problem of read.problems)
			problems.push({ setting, problem: problem.replace(new RegExp(`^${setting}:? `), "") });
		read.entries.forEach(({ key, name }) => {
			if (deployed && key.length < DEPLOYED_MIN_SECRET)
				problems.push({
					setting,
					problem: `the key named ${name} is shorter than ${DEPLOYED_MIN_SECRET} characters, too short for a deployed environment (npm run new-key makes one)`,
				});
		});
	}
	return problems;
}

function deployedProblems(env: Record<string, unknown>): ConfigProblem[] {
	const problems: ConfigProblem[] = [];
	for (const setting of URL_SETTINGS) {
		const problem = deployedUrlProblem(env[setting]);
		if (problem) problems.push({ setting, problem });
	}
	const secrets = typeof env.CALLBACK_SECRET === "string" ? env.CALLBACK_SECRET.split(",") : [];
	secrets.forEach((entry, i) => {
		const secret = entry.trim().replace(/^[A-Za-z0-9_-]{1,32}:/, "");
		if (secret && secret.length < DEPLOYED_MIN_SECRET)
			problems.push({
				setting: "CALLBACK_SECRET",
				problem: `entry ${i + 1} is shorter than ${DEPLOYED_MIN_SECRET} characters, too short for a deployed environment`,
			});
	});
	return problems;
}

/** Every problem of the whole configuration, in the order of the settings: empty when it is good. */
export function findConfigProblems(env: object): ConfigProblem[] {
	const values = env as Record<string, unknown>;
	const environment = Environment.safeParse(values.ENVIRONMENT);
	if (!environment.success) return [{ setting: "ENVIRONMENT", problem: "must be local, test, staging or production" }];
	const deployed = isDeployed(environment.data);
	return [
		...SCHEMAS.flatMap((schema) => schemaProblems(schema, values)),
		...keyProblems(values, deployed),
		...(deployed ? deployedProblems(values) : []),
	];
}

/** The answers per configuration seen (by its values), for the isolate's life: the check runs once per configuration. */
const checked = new Map<string, ConfigProblem[]>();

/**
 * The configuration's problems, checked once per isolate and configuration: what every entry point
 * (fetch, queue, scheduled, an object's start) asks before doing anything. The first time a bad
 * configuration is seen, it is logged, each setting named.
 */
export function configProblems(env: object): ConfigProblem[] {
	const values = env as Record<string, unknown>;
	const fingerprint = JSON.stringify(SETTINGS.map((name) => values[name] ?? null));
	let problems = checked.get(fingerprint);
	if (!problems) {
		problems = findConfigProblems(env);
		if (checked.size > 16) checked.clear();
		checked.set(fingerprint, problems);
		if (problems.length > 0) console.error(`saga-edge: ${describeProblems(problems)}`);
	}
	return problems;
}

/** The problems in one line, each setting named. */
export const describeProblems = (problems: readonly ConfigProblem[]) =>
	`the configuration is not valid: ${problems.map((p) => `${p.setting}: ${p.problem}`).join("; ")}`;

/** Throws a ConfigError naming every bad setting, if there is one. */
export function assertConfigured(env: object): void {
	const problems = configProblems(env);
	if (problems.length > 0) throw new ConfigError(describeProblems(problems));
}
