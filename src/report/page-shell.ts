import type {TopLevelSpec} from 'vega-lite'
import {BOOTSTRAP_SCRIPT} from './bootstrap.js'
import {escapeHtml, inlineScriptText, jsonForScript} from './escape.js'
import {sha256Base64} from './sha256.js'
import {REPORT_CSS} from './styles.js'

/** The UMD bundles the page inlines, read by the edge (src/io/report-assets.ts). */
export interface ReportAssets {
  vega: string
  vegaLite: string
  vegaEmbed: string
}

/** One chart on the page: the element id vega-embed renders into and its Vega-Lite spec. */
export interface EmbeddedChart {
  id: string
  spec: TopLevelSpec
}

export interface PageInput {
  title: string
  bodyHtml: string
  charts: EmbeddedChart[]
  assets: ReportAssets
}

/**
 * A whole self-contained document: no network at all (CSP `default-src 'none'`), the vega
 * runtime inlined in dependency order (vega, vega-lite, vega-embed), scripts allowed by hash.
 * The chart specs sit in a `type="application/json"` block, which the browser never executes,
 * so data (including cluster names) can't become script.
 */
export function renderPage(input: PageInput): string {
  const scripts = [input.assets.vega, input.assets.vegaLite, input.assets.vegaEmbed].map(inlineScriptText)
  scripts.push(BOOTSTRAP_SCRIPT)
  const csp = contentSecurityPolicy(scripts, REPORT_CSS)
  const chartsJson = jsonForScript(input.charts.map((c) => ({id: c.id, spec: c.spec})))
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    input.bodyHtml,
    `<script type="application/json" id="dp-charts">${chartsJson}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/**
 * `default-src 'none'` blocks every fetch, image, font, frame and form target. Scripts run only
 * if their hash matches; no 'unsafe-eval' (vega runs expressions through its interpreter, see
 * bootstrap.ts) and no 'unsafe-inline'. The page's one stylesheet is allowed by hash; vega and
 * vega-tooltip position things through the CSSOM (element.style), which CSP does not govern, so
 * style attributes in markup can stay forbidden. Checked in Chromium by test/browser/report.test.ts.
 */
export function contentSecurityPolicy(scripts: string[], css: string): string {
  const scriptHashes = scripts.map((s) => `'sha256-${sha256Base64(s)}'`).join(' ')
  return [
    "default-src 'none'",
    `script-src ${scriptHashes}`,
    `style-src-elem 'sha256-${sha256Base64(css)}'`,
    "style-src-attr 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}
