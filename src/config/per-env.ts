/**
 * `parse`, run once per env object: the runtime hands every request and object of an isolate the same
 * one, so settings are validated once per isolate, not on every queue batch or object start.
 */
export function perEnv<T>(parse: (env: object) => T): (env: object) => T {
	const parsed = new WeakMap<object, T>();
	return (env) => {
		let value = parsed.get(env);
		if (value === undefined) {
			value = parse(env);
			parsed.set(env, value);
		}
		return value;
	};
}
