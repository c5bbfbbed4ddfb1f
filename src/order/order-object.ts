import { DurableObject, tracing } from "cloudflare:workers";
import { assertConfigured } from "../config/check";
import { WorkflowEngine } from "../engine/engine";
import type { OperatorAction, RetryMode } from "../engine/events";
import type { Delivery } from "../engine/host";
import type { ActionRequest, ActionResult } from "../engine/operator";
import type { Episode, Notification } from "../engine/outbox";
import { breakerGate } from "../ops/breaker-gate";
import { alertFor, type IndexRow } from "../ops/messages";
import { platform } from "../ops/platform";
import { orderConfig } from "./config";
import { EndWaiters } from "./end-waiters";
import { EventStreams } from "./event-stream";
import { logLine } from "./log-lines";
import { Order, orderTotalCents } from "./order";
import { JournaledOrder, orderDigest, PersonalData, split } from "./personal-data";
import { CannotPick, PICK_EVENT, PickDetails, type WarehouseEvent } from "./pick";
import { createServices } from "./services";
import { type Audience, historyEntry, type OrderHistory, type OrderStatus, orderHistory, orderStatus } from "./status";
import { type OrderRef, orderRefOf, Tenant, workflowIdOf } from "./tenant";
import { orderWorkflows } from "./versions";

export type PlaceOutcome = "created" | "exists" | "conflict";

/** What the index and the dead letters should show for one order: the sweeper writes it as it is. */
export interface Projection {
	row: IndexRow;
	episodes: Episode[];
}

/** One order, one object: its journal, its alarm, its single run at a time. */
export class OrderObject extends DurableObject<Env> {
	/** Public for the tests' crash seam (`engine.onCheckpoint`) through `runInDurableObject`. */
	readonly engine: WorkflowEngine<Order>;
	/** The journaled order (no personal data), parsed once: it never changes after it is placed. */
	private placed: JournaledOrder | null = null;
	private readonly personal: PersonalData;
	private readonly streams: EventStreams;
	private readonly waiters = new EndWaiters();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// The object's own start (an alarm may be the first thing to wake it): the whole configuration,
		// each bad setting named, or nothing runs. The deployment and the clock are the platform's, for
		// this order: tests deploy between two wakes, and put a fleet on one clock.
		const deployed = platform.config(env, ctx.id.name ?? "") as Env;
		assertConfigured(deployed);
		const config = orderConfig(deployed);
		const subject = ctx.id.name ?? ctx.id.toString();
		this.engine = new WorkflowEngine(ctx.storage, {
			workflows: platform.workflows(
				orderWorkflows(
					createServices(config, () => this.ref().tenant),
					config.pickDeadlineMs,
				),
				subject,
			),
			parseInput: (input) => this.personal.order(input),
			retention: { afterMs: config.retentionMs, erase: () => this.personal.erase() },
			retry: config.downstreamTimeoutMs === undefined ? undefined : { attemptTimeoutMs: config.downstreamTimeoutMs },
			notify: (notifications) => this.publish(notifications),
			report: async () => {
				await this.queue(this.env.ORDER_INDEX).send(this.indexRow());
			},
			gate: breakerGate(deployed),
			redact: (text) => this.personal.redact(text),
			clock: () => platform.now(subject),
			trace: (name, attributes, work) =>
				tracing.enterSpan(name, (span) => {
					const { tenant, orderId } = this.ref();
					span.setAttributes({ ...attributes, "order.id": orderId, "order.tenant": tenant });
					return work((key, value) => span.setAttribute(key, value));
				}),
			log: (entry) => {
				const line = logLine(this.ref(), entry, config.logLevel);
				if (line) platform.log(line);
				this.streams.publish(entry);
				if (this.engine.state.finished) this.waiters.release();
			},
		});
		this.personal = new PersonalData(ctx.storage.kv, ctx.storage.sql, this.engine.usage);
		this.streams = new EventStreams((entry, audience) =>
			historyEntry(entry, this.personal.view(this.engine.state.input), audience),
		);
	}

	/**
	 * Places the order once. The same body again is the same order, compared by digest; once its personal
	 * data is erased, by what the journal holds only. A different body under its id is a conflict.
	 * With `waitMs`, the answer waits up to that long for the order to end.
	 */
	async place(
		input: Order,
		tenant: string,
		audience: Audience,
		waitMs = 0,
	): Promise<{ outcome: PlaceOutcome; status: OrderStatus }> {
		this.engine.usage.requests++;
		const order = Order.parse(input);
		const state = this.engine.state;
		let outcome: PlaceOutcome = "exists";
		if (!state.started) {
			const workflowId = workflowIdOf({ tenant: Tenant.parse(tenant), orderId: order.orderId });
			const { journaled, personal } = split(order);
			this.personal.keep(personal, await orderDigest(order));
			outcome = (await this.engine.start(workflowId, journaled)) ? "created" : "exists";
		} else if (!(await this.personal.samePlacement(order, state.input))) {
			outcome = "conflict";
		} else {
			// The first placement may still be on its way to storage: "it exists" is answered once it does.
			this.engine.persist();
		}
		if (outcome !== "conflict") await this.untilEnded(waitMs);
		return { outcome, status: this.snapshot(audience) };
	}

	/** Null for an order that was never placed; reading it writes nothing. With `waitMs`, as in {@link place}. */
	async status(audience: Audience, waitMs = 0): Promise<OrderStatus | null> {
		this.engine.usage.requests++;
		if (!this.engine.state.started) return null;
		await this.untilEnded(waitMs);
		return this.snapshot(audience);
	}

	history(audience: Audience): OrderHistory | null {
		this.engine.usage.requests++;
		const state = this.engine.state;
		if (!state.started) return null;
		return orderHistory(this.ref(), this.engine.history(), this.personal.view(state.input), audience);
	}

	/**
	 * The journal as server-sent events: what follows `after`, then each entry as it becomes durable.
	 * Null: never placed. "full": the audience's streams of this order are all taken.
	 */
	events(after: number, audience: Audience): ReadableStream<Uint8Array> | "full" | null {
		this.engine.usage.requests++;
		if (!this.engine.state.started) return null;
		return this.streams.subscribe(this.engine.history(), after, audience) ?? "full";
	}

	/** The warehouse's pick or cannot-pick, its token already verified by the Worker; the order's own deadline decides if it is late. */
	answerFromWarehouse(event: WarehouseEvent, details: object): Promise<Delivery> {
		this.engine.usage.requests++;
		const answer = event === PICK_EVENT ? PickDetails : CannotPick;
		return this.engine.deliver(event, answer.parse(details));
	}

	/** The breaker of `downstream` lets the order's held steps go, from `notBefore`; as its probe if `probe`. */
	releaseHold(downstream: string, probe: boolean, notBefore?: number): Promise<boolean> {
		this.engine.usage.requests++;
		return this.engine.release(downstream, probe, notBefore);
	}

	/** An action on a person's behalf (a retry going `mode`); with `dryRun`, only says what would happen. */
	async act(
		action: OperatorAction,
		request: ActionRequest,
		dryRun: boolean,
		audience: Audience,
		mode?: RetryMode,
	): Promise<{ result: ActionResult; status: OrderStatus | null }> {
		this.engine.usage.requests++;
		const result = await this.engine.act(action, request, dryRun, mode);
		return { result, status: this.engine.state.started ? this.snapshot(audience) : null };
	}

	/** For the sweeper: wakes the order (a stranded one moves on) and says what the index and dead letters should show. */
	reconcile(): Projection | null {
		this.engine.usage.requests++;
		const state = this.engine.state;
		if (!state.started) return null;
		this.engine.wake().catch((error) => console.error("nudged run failed; the alarm will retry", error));
		return { row: this.indexRow(), episodes: [...state.episodes.values()] };
	}

	override async alarm(): Promise<void> {
		this.engine.usage.requests++;
		platform.count("wake", this.engine.state.workflowId);
		await this.engine.alarm();
	}

	/** An order ends once (its end is flushed before the waiters go, so what they answer is durable). */
	private untilEnded(waitMs: number): Promise<void> {
		return this.waiters.until(waitMs, () => this.engine.state.finished !== null);
	}

	/** The order this object holds: its tenant and order id, from its workflow id. */
	private ref(): OrderRef {
		return orderRefOf(this.engine.state.workflowId);
	}

	private order(): JournaledOrder {
		this.placed ??= JournaledOrder.parse(this.engine.state.input);
		return this.placed;
	}

	private snapshot(audience: Audience): OrderStatus {
		const view = this.personal.view(this.engine.state.input);
		return orderStatus(this.ref(), view, this.engine.state, this.engine.usage, audience);
	}

	private queue<Body>(queue: Queue<Body>): Queue<Body> {
		return platform.queue(queue, this.engine.state.workflowId);
	}

	/**
	 * The order's start puts its first row in the index (journaled, so no order is ever missing from
	 * it); dead-letter episodes go to order-dead-letters; stuck steps and reminders straight to order-alerts.
	 */
	private async publish(notifications: Notification[]): Promise<void> {
		const isEpisode = (n: Notification) => n.kind === "needs_attention" || n.kind === "attention_closed";
		const ref = this.ref();
		const episodes = notifications.filter(isEpisode).map((n) => ({ ...n, ...ref }));
		const alerts = notifications.flatMap((n) => (isEpisode(n) ? [] : (alertFor(n, ref) ?? [])));
		if (notifications.some((n) => n.kind === "started")) await this.queue(this.env.ORDER_INDEX).send(this.indexRow());
		if (episodes.length > 0) await this.queue(this.env.DEAD_LETTERS).sendBatch(episodes.map((body) => ({ body })));
		if (alerts.length > 0) await this.queue(this.env.ALERTS).sendBatch(alerts.map((body) => ({ body })));
	}

	private indexRow(): IndexRow {
		const state = this.engine.state;
		const order = this.order();
		return {
			...this.ref(),
			workflowId: state.workflowId,
			workflowVersion: state.workflowVersion,
			status: state.status,
			currentStep: state.activeStep?.name ?? null,
			failureStep: state.failure?.step ?? null,
			failureCode: state.failure?.code ?? null,
			needsAttention: state.needsAttention,
			totalCents: orderTotalCents(order),
			currency: order.currency,
			createdAt: state.createdAt,
			updatedAt: state.updatedAt,
			dueAt: this.engine.nextDueAt(),
			openEpisode: state.openEpisode?.id ?? null,
			version: this.engine.durableVersion,
		};
	}
}
