/** The console's one stylesheet, inline under the page's nonce: no request, no build step. */
export const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6474; --line: #d9dde5; --accent: #1f5fbf; --bad: #a4161a; --good: #1b6e3a; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #14213d; color: #fff; }
header a, header span { color: #fff; }
.brand { font-weight: 600; }
nav ul { display: flex; gap: 1rem; margin: 0; padding: 0; list-style: none; }
nav a[aria-current="page"] { font-weight: 600; text-decoration-thickness: 2px; }
.sign-out { margin-left: auto; display: flex; align-items: center; gap: .5rem; }
main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
h1 { font-size: 1.35rem; margin: .2rem 0 1rem; word-break: break-all; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f4a300; outline-offset: 1px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #eef0f4; font-weight: 600; }
tbody th { background: #fff; }
td.wrap { word-break: break-word; max-width: 36rem; }
code { font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
form.filters, form.action { display: flex; flex-wrap: wrap; align-items: end; gap: .6rem 1rem; margin: 0 0 1rem; }
label { display: flex; flex-direction: column; gap: .15rem; font-weight: 600; font-size: 13px; }
input, select, button { font: inherit; font-weight: 400; padding: .3rem .5rem; border: 1px solid #9aa3b2; border-radius: 4px; background: #fff; color: var(--ink); }
input[name="reason"] { min-width: 20rem; }
button { cursor: pointer; background: #e8ecf3; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
header button { padding: .15rem .6rem; }
dl.facts { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: .25rem 1rem; margin: 0; padding: .8rem 1rem; background: #fff; border: 1px solid var(--line); }
dt { color: var(--muted); }
dd { margin: 0; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-weight: 600; background: #e3e7ee; }
.status.completed, .status.compensated, .status.resolved, .status.succeeded, .status.closed { background: #d5efdf; color: var(--good); }
.status.needs_attention, .status.failed, .status.open { background: #f9d9d9; color: var(--bad); }
.status.waiting, .status.retrying, .status.compensating, .status.running, .status.held, .status.half_open, .status.paused { background: #fcebc5; color: var(--warn); }
.notice { padding: .6rem .9rem; border-radius: 4px; border: 1px solid; }
.notice.error { background: #fdecec; border-color: #e4a3a3; color: var(--bad); }
.notice.done { background: #e6f4ea; border-color: #9fd1ae; color: var(--good); }
.overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(28rem, 100%), 1fr)); gap: 0 1.5rem; align-items: start; }
.actions { display: grid; gap: .8rem; }
.actions section { background: #fff; border: 1px solid var(--line); padding: 0 1rem .6rem; }
.actions h3 { font-size: 1rem; margin: .6rem 0 .2rem; }
.actions p { margin: .2rem 0 .5rem; }
.muted { color: var(--muted); }
.pager { margin-top: .8rem; }
td, th, dd, h1, h2, h3, code, .notice, li { overflow-wrap: break-word; }
ul.counts { display: flex; flex-wrap: wrap; gap: .2rem .8rem; margin: .2rem 0 0; padding: 0; list-style: none; font-size: 13px; }
ul.counts a { color: #cfd8ea; }
ul.counts a.needs_attention { color: #ffd2d2; font-weight: 600; }
figure.chart { margin: 0 0 .6rem; max-width: 640px; background: #fff; border: 1px solid var(--line); padding: .5rem; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart .axes line { stroke: #9aa3b2; }
svg.chart .axes text { font-size: 13px; fill: var(--muted); }
svg.chart polyline { fill: none; stroke-width: 2; }
svg.chart .band.opened { fill: #f9d9d9; }
svg.chart .band.paused { fill: #fcebc5; }
.series.placed { stroke: var(--accent); } .swatch.placed { background: var(--accent); }
.series.completed { stroke: var(--good); } .swatch.completed { background: var(--good); }
.series.compensated { stroke: #7a4fb3; } .swatch.compensated { background: #7a4fb3; }
.series.attention { stroke: var(--bad); } .swatch.attention { background: var(--bad); }
.series.failures rect { fill: var(--bad); } .swatch.failures { background: var(--bad); }
.swatch.band { background: #f9d9d9; }
ul.legend { display: flex; flex-wrap: wrap; gap: .2rem 1rem; margin: .3rem 0 0; padding: 0; list-style: none; font-size: 13px; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; border-radius: 2px; }
.days { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 0 1rem; }
.downstream-day h3 { font-size: 1rem; margin: .6rem 0 .3rem; }
details.numbers { margin: .4rem 0 1rem; }
.copy { margin-left: .4rem; padding: 0 .4rem; font-size: 12px; }
svg.waterfall { display: block; width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
svg.waterfall rect.succeeded { fill: var(--good); } svg.waterfall rect.failed { fill: var(--bad); }
svg.waterfall rect { fill: var(--warn); } svg.waterfall text { font-size: 13px; fill: var(--ink); }
/* A phone: no sideways scroll. Tables become one card per row, each cell labelled by its column. */
@media (max-width: 700px) {
	header { gap: .4rem 1rem; padding: .5rem .8rem; }
	.sign-out { margin-left: 0; }
	main { padding: .8rem .8rem 2rem; }
	nav ul { flex-wrap: wrap; gap: .2rem .9rem; }
	table, tbody, tr, td, tbody th { display: block; width: 100%; }
	thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
	table { background: none; }
	tr { background: #fff; border: 1px solid var(--line); margin-bottom: .5rem; padding: .3rem .5rem; }
	td, tbody th { border: 0; padding: .15rem 0; max-width: none; }
	td[data-label] { display: flow-root; padding-left: 7rem; }
	td[data-label]::before { content: attr(data-label); float: left; width: 6.5rem; margin-left: -7rem; color: var(--muted); font-weight: 600; }
	input[name="reason"] { min-width: 0; width: 100%; }
	form.action label { flex: 1 1 12rem; }
	input, select { max-width: 100%; }
	td, th, dd, h1, h2, h3, code, .notice, li, a { overflow-wrap: anywhere; }
	form.filters { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); align-items: end; }
	form.filters input, form.filters select { width: 100%; }
}
`;
