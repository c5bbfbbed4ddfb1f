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
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; padding: .8rem 1rem; background: #fff; border: 1px solid var(--line); }
dt { color: var(--muted); }
dd { margin: 0; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-weight: 600; background: #e3e7ee; }
.status.completed, .status.compensated, .status.resolved, .status.succeeded, .status.closed { background: #d5efdf; color: var(--good); }
.status.needs_attention, .status.failed, .status.open { background: #f9d9d9; color: var(--bad); }
.status.waiting, .status.retrying, .status.compensating, .status.running, .status.held, .status.half_open, .status.paused { background: #fcebc5; color: var(--warn); }
.notice { padding: .6rem .9rem; border-radius: 4px; border: 1px solid; }
.notice.error { background: #fdecec; border-color: #e4a3a3; color: var(--bad); }
.notice.done { background: #e6f4ea; border-color: #9fd1ae; color: var(--good); }
.overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 0 1.5rem; align-items: start; }
.actions { display: grid; gap: .8rem; }
.actions section { background: #fff; border: 1px solid var(--line); padding: 0 1rem .6rem; }
.actions h3 { font-size: 1rem; margin: .6rem 0 .2rem; }
.actions p { margin: .2rem 0 .5rem; }
.muted { color: var(--muted); }
.pager { margin-top: .8rem; }
`;
