import {createHash} from 'node:crypto'
import {beforeAll, describe, expect, it} from 'vitest'
import {loadReportAssets} from '../../src/io/report-assets.js'
import {renderHtml} from '../../src/report/html.js'
import type {ReportAssets} from '../../src/report/page-shell.js'
import {XSS_IMG, XSS_SCRIPT, makeHostileResult, makeResult} from './fixtures/result.js'

// Static checks of the HTML text; test/browser/report.test.ts checks what Chromium does with it.
const fakeAssets: ReportAssets = {
  vega: 'window.vega={};\n//# sourceMappingURL=vega.min.js.map',
  vegaLite: 'window.vegaLite={};',
  vegaEmbed: 'window.vegaEmbed=function(){};',
}

function scripts(html: string): Array<{attrs: string; body: string}> {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({attrs: m[1]!, body: m[2]!}))
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)
  return m![1]!.replace(/&#39;/g, "'")
}

describe('the HTML report document', () => {
  let realAssets: ReportAssets
  beforeAll(async () => {
    realAssets = await loadReportAssets()
  })

  it('inlines vega, vega-lite and vega-embed in that order, without source-map comments, and loads nothing by URL', () => {
    const html = renderHtml(makeResult(), realAssets)
    const executable = scripts(html).filter((s) => !s.attrs.includes('application/json'))
    expect(executable).toHaveLength(4)
    expect(executable[0]!.body).toContain('t.version="6.4.0"')
    expect(executable[1]!.body.length).toBeGreaterThan(100_000)
    expect(executable[2]!.body.length).toBeGreaterThan(10_000)
    expect(executable[3]!.body).toContain('vegaEmbed(el, c.spec, options)')
    expect(html).not.toContain('sourceMappingURL')
    const markup = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>')
    expect(markup.match(/<[^>]+\s(src|href)=[^>]*>/g) ?? []).toEqual([])
  })

  it('allows exactly its own scripts and stylesheet by SHA-256, with no unsafe-inline or unsafe-eval for scripts', () => {
    const html = renderHtml(makeResult(), fakeAssets)
    const csp = cspOf(html)
    expect(csp).toMatch(/^default-src 'none'; /)
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toContain("'unsafe-inline'")
    const hashes = [...csp.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1])
    const digest = (text: string) => createHash('sha256').update(text).digest('base64')
    const executable = scripts(html).filter((s) => !s.attrs.includes('application/json'))
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    expect(hashes).toEqual([...executable.map((s) => digest(s.body)), digest(style)])
  })

  it('keeps hostile names as text: escaped in markup, \\u003c-escaped in the chart data, never a tag', () => {
    const html = renderHtml(makeHostileResult(), fakeAssets)
    expect(html).not.toContain(XSS_SCRIPT)
    expect(html).not.toContain('<img')
    expect(html).toContain('pool&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('pool&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    const data = scripts(html).find((s) => s.attrs.includes('application/json'))!
    const charts = JSON.parse(data.body) as Array<{spec: {data?: {values?: Array<{pool?: string}>}}}>
    expect(charts[0]!.spec.data!.values!.map((v) => v.pool)).toContain(`pool${XSS_IMG}`)
    // Exactly one data block and four scripts: nothing from the data opened a new element.
    expect(scripts(html)).toHaveLength(5)
  })

  it('shows the summary, every section and the provenance the brief asks for', () => {
    const result = makeResult()
    const html = renderHtml(result, fakeAssets)
    for (const id of ['charts', 'pools', 'classes', 'readiness', 'provenance']) expect(html).toContain(`<section id="${id}">`)
    expect(html).toContain(result.overall.headline)
    expect(html).toContain(result.models.legacy.file)
    expect(html).toContain('seed 42')
    expect(html).toContain(`densityplan ${result.tool.version}`)
    expect(html).toContain('nullfs')
    expect(html).toContain('Kernel older than 7.0')
  })

  it('renders the same bytes for the same result', () => {
    expect(renderHtml(makeResult(), fakeAssets)).toBe(renderHtml(makeResult(), fakeAssets))
  })
})
