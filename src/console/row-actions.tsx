import type { DeadLetter } from "../ops/dead-letters";
import { ReasonForm } from "./actions-panel";
import { orderPath } from "./format";

/**
 * What a person can do from an open dead letter's row: preview its order's retry (both ways, on the
 * order's page), or resolve it with a reason right here. A closed one has nothing left to do.
 */
export const RowActions = ({ letter, csrf }: { letter: DeadLetter; csrf: string }) =>
	letter.closed ? (
		<span class="muted">—</span>
	) : (
		<>
			<a href={`${orderPath(letter)}?preview=retry`}>Preview retry</a>
			<ReasonForm href={`${orderPath(letter)}/resolve`} csrf={csrf} button="Resolve" />
		</>
	);
