/** The keys of the orchestrator the browser tests start: a client of the default tenant, one of "acme", an operator. */
export const KEYS = {
	client: "browser-client-key-01",
	acmeClient: "browser-acme-key-0001",
	operator: "browser-operator-key-01",
	/** An operator key only the sessions test signs in with: its "sign out every session" ends no other test's. */
	sessionsOperator: "browser-operator-key-02",
} as const;

/** The operator key's configured name: what the timeline shows as the actor, `operator:<name>`. */
export const OPERATOR_NAME = "ops-browser";
