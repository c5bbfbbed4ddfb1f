import type { SandboxLedger } from "./ledger";

export interface SandboxEnv {
	LEDGER: DurableObjectNamespace<SandboxLedger>;
	/** How long timeout faults hold a request, in ms. Default 60,000. */
	SANDBOX_HANG_MS?: string;
	/** When set, shipments are picked this many seconds after they are scheduled. */
	SANDBOX_AUTO_PICK_SECONDS?: string;
}
