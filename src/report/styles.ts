/**
 * The report's one stylesheet: system fonts, a narrow reading column, tables that print, and a
 * palette shared with the charts (legacy = warm, OTN = cool) so colour means the same everywhere.
 */
export const REPORT_CSS = `
:root {
  --fg: #1d2430; --muted: #5b6675; --line: #d9dee5; --bg: #ffffff; --panel: #f6f8fa;
  --legacy: #d9622b; --otn: #2b6cb0; --ok: #1f7a4d; --warn: #a15c00; --bad: #b42318;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 64px; }
header.report-head { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 22px; }
h1 { font-size: 26px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0 10px; }
.meta { color: var(--muted); font-size: 13px; }
.meta span + span::before { content: "·"; margin: 0 8px; color: var(--line); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em; }
.verdict { border: 1px solid var(--line); border-left: 5px solid var(--otn); background: var(--panel);
  border-radius: 6px; padding: 14px 18px; margin: 0 0 18px; }
.verdict.ok { border-left-color: var(--ok); }
.verdict.warn { border-left-color: var(--warn); }
.verdict.bad { border-left-color: var(--bad); }
.verdict h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 18px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 14px 0 6px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--bg); }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; }
.legacy { color: var(--legacy); }
.otn { color: var(--otn); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td:first-child { white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 8px 0 14px; }
.table-wrap table { margin: 0; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 12.5px; padding-top: 6px; }
.nowrap { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { color: var(--ok); } .badge.warn { color: var(--warn); } .badge.bad { color: var(--bad); }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(500px, 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px 8px; break-inside: avoid; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
figure.chart figcaption strong { color: var(--fg); font-size: 14px; display: block; }
.chart-body { min-height: 120px; overflow-x: auto; }
.chart-body svg { max-width: 100%; height: auto; }
.vega-bindings { margin: 4px 0 2px; font-size: 13px; color: var(--muted); }
.vega-bindings select { font: inherit; color: var(--fg); padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
.note { border-left: 3px solid var(--line); padding: 2px 12px; color: var(--muted); font-size: 13.5px; }
ul.tight { margin: 4px 0 10px; padding-left: 20px; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
#vg-tooltip-element { position: fixed; z-index: 10; pointer-events: none; visibility: hidden; background: #fff;
  border: 1px solid var(--line); border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.12); padding: 6px 8px;
  font-size: 12px; max-width: 320px; }
#vg-tooltip-element.visible { visibility: visible; }
#vg-tooltip-element table { margin: 0; font-size: 12px; width: auto; }
#vg-tooltip-element td { border: 0; padding: 1px 6px 1px 0; background: none; }
#vg-tooltip-element td.key { color: var(--muted); }
@media (max-width: 720px) { main { padding: 16px; } .chart-grid { grid-template-columns: 1fr; } }
@media print {
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 3px 5px; }
  th, td:first-child { white-space: normal; }
  .kpis { grid-template-columns: repeat(4, 1fr); }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure.chart, table, .verdict { break-inside: avoid; }
  .chart-grid { grid-template-columns: 1fr; }
  tbody tr:nth-child(even) td { background: none; }
}
`
