import { describe, expect, it } from "vitest";
import {
	classify,
	MAX_MESSAGE_LENGTH,
	PermanentError,
	RetryableError,
	UnknownOutcomeError,
} from "../../src/engine/errors";
import { parseRetryAfter } from "../../src/engine/http";
import { idempotencyKey, undoStepName } from "../../src/engine/keys";

describe("idempotency keys", () => {
	it("depend on the workflow and the step only: stable across attempts and restarts", () => {
		expect(idempotencyKey("order-1", "charge-payment")).toBe("order-1:charge-payment");
		expect(idempotencyKey("order-1", "charge-payment")).toBe(idempotencyKey("order-1", "charge-payment"));
		expect(idempotencyKey("order-1", undoStepName("charge-payment"))).toBe("order-1:charge-payment:undo");
		expect(idempotencyKey("order-2", "charge-payment")).not.toBe(idempotencyKey("order-1", "charge-payment"));
	});
});

describe("error classification", () => {
	it("reads the kind of a step error, also through a cause chain", () => {
		expect(classify(new PermanentError("card_declined", "no"))).toMatchObject({
			kind: "permanent",
			code: "card_declined",
		});
		expect(classify(new RetryableError("http_503", "busy", { retryAfterMs: 5 }))).toMatchObject({
			kind: "retryable",
			retryAfterMs: 5,
		});
		const wrapped = new Error("outer", { cause: new UnknownOutcomeError("timeout", "lost") });
		expect(classify(wrapped)).toMatchObject({ kind: "unknown_outcome", code: "timeout" });
	});

	it("treats an aborted or timed-out call as an unknown outcome", () => {
		expect(classify(new DOMException("too slow", "TimeoutError"))).toMatchObject({ kind: "unknown_outcome" });
		expect(classify(new DOMException("aborted", "AbortError"))).toMatchObject({ kind: "unknown_outcome" });
	});

	it("treats anything else as an unknown outcome: the action may have called out before it threw", () => {
		expect(classify(new TypeError("x is undefined"))).toMatchObject({
			kind: "unknown_outcome",
			code: "unexpected_error",
		});
		expect(classify("a string")).toMatchObject({ kind: "unknown_outcome" });
	});

	it("bounds the message the journal keeps", () => {
		const { message } = classify(new PermanentError("big", "x".repeat(MAX_MESSAGE_LENGTH * 3)));
		expect(message.length).toBe(MAX_MESSAGE_LENGTH);
	});

	it("keeps stable names for errors that cross RPC", () => {
		expect(new PermanentError("c", "m").name).toBe("PermanentError");
		expect(new RetryableError("c", "m").name).toBe("RetryableError");
		expect(new UnknownOutcomeError("c", "m").name).toBe("UnknownOutcomeError");
	});
});

describe("Retry-After", () => {
	it("reads seconds and HTTP dates", () => {
		expect(parseRetryAfter("3")).toBe(3_000);
		expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
		expect(parseRetryAfter(null)).toBeUndefined();
		expect(parseRetryAfter("soon")).toBeUndefined();
	});
});
