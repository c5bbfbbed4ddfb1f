import { StepError } from "../engine/errors";

/**
 * The refusal codes of the order's downstreams that this business knows and tells its clients: a
 * declined card, no stock, an undo already done. A downstream's answer may carry any other code; it
 * is journaled as `downstream_error` (its own code kept in the message operators read), so no reader,
 * client or index, ever sees a code that did not come from this list or from the engine.
 */
export const REFUSAL_CODES = new Set([
	"card_declined",
	"insufficient_funds",
	"expired_card",
	"out_of_stock",
	"charge_already_refunded",
	"already_released",
	"already_cancelled",
	"address_undeliverable",
]);

/**
 * The codes the order workflow fails with itself (`step.fail`), whose messages it words from known
 * values only (a cannot-pick's reason is one of three): clients read them as they are.
 */
export const WORDED_BY_WORKFLOW = new Set(["cannot_pick"]);

/** What a downstream's call failed with when its code is not one of {@link REFUSAL_CODES}. */
export const UNKNOWN_DOWNSTREAM_CODE = "downstream_error";

/**
 * The codes the engine's downstream calls give themselves (the answer's status, or what happened to the
 * call), and the idempotency and verify contracts' own: a key that came back with another body, which
 * the engine acts on (it never settles a step in doubt), and a request refused because its key was fenced.
 */
const CALL_CODE =
	/^(?:http_\d{3}|timeout|connection_lost|unreadable_response|idempotency_key_reused|idempotency_key_fenced)$/;

/**
 * Rethrows a downstream call's failure with a code from a known list: the same kind (so retries and
 * compensation are unchanged), a downstream's unknown code replaced and kept, bounded, in the message.
 */
export function knownCodesOnly(error: unknown): never {
	if (error instanceof StepError && !REFUSAL_CODES.has(error.code) && !CALL_CODE.test(error.code))
		throw new StepError(error.kind, UNKNOWN_DOWNSTREAM_CODE, `${error.message} (its code: ${error.code})`, {
			cause: error,
			retryAfterMs: error.retryAfterMs,
		});
	throw error;
}
