import type { SandboxLedger } from "./ledger";

export interface SandboxEnv {
	LEDGER: DurableObjectNamespace<SandboxLedger>;
	/** How long timeout faults hold a request, in ms. */
	SANDBOX_HANG_MS?: string;
	/** When set, shipments are picked this many seconds after they are scheduled. */
	SANDBOX_AUTO_PICK_SECONDS?: string;
}
