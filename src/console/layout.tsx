import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { CONSOLE_PATHS } from "../ops/console-paths";
import { IN_FLIGHT, type NavCounts } from "./counts";
import { STYLE } from "./style";

/** A page of the nav: where it is and what it is called. */
interface NavLink {
	href: string;
	label: string;
}

/** The console's pages in the nav's order; a new page adds its link here. */
export const NAV: NavLink[] = [
	{ href: CONSOLE_PATHS.home, label: "Overview" },
	{ href: "/ops/orders", label: "Orders" },
	{ href: "/ops/dead-letters", label: "Dead letters" },
	{ href: CONSOLE_PATHS.downstreams, label: "Downstreams" },
	{ href: CONSOLE_PATHS.sessions, label: "Sessions" },
];

interface LayoutProps {
	title: string;
	nonce: string;
	/** The signed-in operator's key name and CSRF token; absent on the sign-in page. */
	signedIn?: { keyName: string; csrf: string; via?: "access" };
	/** What the navigation counts; left out, it counts nothing. */
	counts?: NavCounts;
	/** The nav link of this page, marked as current. */
	current?: string;
	/** Plain JavaScript run at the end of the page (the nonce lets it past the CSP). */
	script?: string;
	children: Child;
}

/** How the navigation says a count: "3 need attention", "1 needs attention". */
const SAID: Record<(typeof IN_FLIGHT)[number], (n: number) => string> = {
	needs_attention: (n) => `${n} ${n === 1 ? "needs" : "need"} attention`,
	running: (n) => `${n} running`,
	waiting: (n) => `${n} waiting`,
	compensating: (n) => `${n} compensating`,
};

/** The orders in flight by status and the open dead letters, each a link to the list of them. */
const Counts = ({ counts }: { counts: NavCounts }) => (
	<ul class="counts" aria-label="Counts">
		{IN_FLIGHT.map((status) => (
			<li>
				<a href={`/ops/orders?status=${status}`} class={`count ${status}`}>
					{SAID[status](counts.orders[status] ?? 0)}
				</a>
			</li>
		))}
		<li>
			<a href="/ops/dead-letters" class="count">
				{`${counts.openDeadLetters} open dead letter${counts.openDeadLetters === 1 ? "" : "s"}`}
			</a>
		</li>
	</ul>
);

/** The page around every console view: title, nav, who is signed in and the way out. */
export const Layout: FC<LayoutProps> = ({ title, nonce, signedIn, counts, current, script, children }) => (
	<>
		{raw("<!doctype html>")}
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${title} · saga-edge operations`}</title>
				<style nonce={nonce} dangerouslySetInnerHTML={{ __html: STYLE }} />
			</head>
			<body>
				<header>
					<span class="brand">saga-edge operations</span>
					{signedIn && (
						<>
							<nav aria-label="Console">
								<ul>
									{NAV.map((link) => (
										<li>
											<a href={link.href} aria-current={link.href === current ? "page" : undefined}>
												{link.label}
											</a>
										</li>
									))}
								</ul>
								{counts && <Counts counts={counts} />}
							</nav>
							{signedIn.via === "access" ? (
								<p class="sign-out">
									<span>{`operator:${signedIn.keyName}`}</span> <a href="/cdn-cgi/access/logout">Sign out of Access</a>
								</p>
							) : (
								<form method="post" action="/ops/sign-out" class="sign-out">
									<input type="hidden" name="csrf" value={signedIn.csrf} />
									<span>{`operator:${signedIn.keyName}`}</span> <button type="submit">Sign out</button>
								</form>
							)}
						</>
					)}
				</header>
				<main>
					<h1>{title}</h1>
					{children}
				</main>
				{script && <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />}
			</body>
		</html>
	</>
);

/** A message the page must not hide: an error (announced at once) or a confirmation. */
export const Notice: FC<{ kind: "error" | "done"; children: Child }> = ({ kind, children }) => (
	<p class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
		{children}
	</p>
);
