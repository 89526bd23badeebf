/** The dashboard's one stylesheet, served at /ui/assets/style.css (a module, so Workers can serve it too). */
export const styleCss = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1b1f24; --muted: #5b6470; --line: #dde1e6;
  --accent: #2f5bd3; --accent-ink: #fff; --danger: #b42318; --ok: #137333; --warn: #a15c00;
  --radius: 8px; --gap: 16px;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip-link { position: absolute; left: -9999px; top: 0; background: var(--panel); padding: 8px 12px; z-index: 10; }
.skip-link:focus { left: 8px; top: 8px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 10px var(--gap);
  background: var(--ink); color: #fff; }
header.top .brand { font-weight: 700; letter-spacing: .02em; color: #fff; text-decoration: none; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
header.top nav a { display: block; padding: 6px 10px; border-radius: 6px; color: #d7dce3; text-decoration: none; }
header.top nav a:hover { background: #2c333c; color: #fff; }
header.top nav a[aria-current="page"] { background: var(--accent); color: #fff; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: 10px; font-size: 14px; color: #d7dce3; }
header.top .who form { margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: var(--gap); }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.15rem; margin: 0 0 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: var(--gap); margin-bottom: var(--gap); }
.grid { display: grid; gap: var(--gap); grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); margin-bottom: var(--gap); }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px var(--gap); }
.stat dt { color: var(--muted); font-size: 13px; }
.stat dd { margin: 4px 0 0; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; gap: var(--gap); grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
.chart { min-height: 260px; overflow: hidden; }
.chart figcaption { font-weight: 600; margin-bottom: 8px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
.table-wrap { overflow-x: auto; }
.num { text-align: right; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
form.inline { display: inline; }
.form-grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); align-items: end; }
.field { display: flex; flex-direction: column; gap: 4px; }
label { font-size: 13px; color: var(--muted); }
input, select, textarea { font: inherit; color: var(--ink); padding: 7px 9px; border: 1px solid #b9c0c9; border-radius: 6px;
  background: #fff; min-height: 38px; width: 100%; }
button, .button { font: inherit; display: inline-flex; align-items: center; justify-content: center; gap: 6px; min-height: 38px;
  padding: 7px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink);
  cursor: pointer; text-decoration: none; white-space: nowrap; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); }
header.top button { background: transparent; border-color: #6b7480; color: #fff; min-height: 32px; padding: 4px 10px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
.notice { border-left: 4px solid var(--accent); background: #eef3ff; padding: 10px 14px; border-radius: 6px; margin-bottom: var(--gap); }
.notice.error { border-color: var(--danger); background: #fdecea; }
.notice.ok { border-color: var(--ok); background: #e9f6ee; }
.secret { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.secret output { font-family: ui-monospace, Menlo, Consolas, monospace; background: #fff; border: 1px dashed var(--muted);
  padding: 6px 10px; border-radius: 6px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #e8ebef; color: var(--ink); }
.badge.ok { background: #e2f3e8; color: var(--ok); }
.badge.error { background: #fbe3e1; color: var(--danger); }
.badge.warn { background: #fdf0dc; color: var(--warn); }
meter { width: 120px; height: 14px; }
.muted { color: var(--muted); }
.pager { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
pre { background: #f1f3f5; padding: 12px; border-radius: 6px; overflow-x: auto; font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.sign-in { max-width: 420px; margin: 10vh auto; }
.uplot { font-family: inherit; }
@media (max-width: 640px) {
  :root { --gap: 12px; }
  header.top .who { margin-left: 0; width: 100%; justify-content: space-between; }
  main { padding: var(--gap) 10px; }
  .charts { grid-template-columns: 1fr; }
  th, td { padding: 6px; }
  .hide-narrow { display: none; }
}
`
