import {describe, expect, it} from 'vitest'
import type {AnalysisResult} from '../../src/domain/analysis.js'
import {CSV_COLUMNS, csvField, renderCsv} from '../../src/report/csv.js'
import {renderOutputs} from '../../src/report/index.js'
import {renderJson} from '../../src/report/json.js'
import {md, renderMarkdown} from '../../src/report/markdown.js'
import {escapeHtml} from '../../src/report/escape.js'
import {XSS_IMG, XSS_SCRIPT, makeHostileResult, makeResult} from './fixtures/result.js'

/** A strict RFC 4180 reader, to check the writer independently of it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = [],
    field = '',
    i = 0,
    quoted = false
  while (i < text.length) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (ch === '"') {
        quoted = false
        i++
        continue
      }
      field += ch
      i++
      continue
    }
    if (ch === '"' && field === '') {
      quoted = true
      i++
      continue
    }
    if (ch === ',') {
      row.push(field)
      field = ''
      i++
      continue
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i += 2
      continue
    }
    if (ch === '"' || ch === '\n' || ch === '\r') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`)
    field += ch
    i++
  }
  if (field !== '' || row.length) throw new Error('last record lacks CRLF')
  return rows
}

/** The same object with every key order reversed, recursively. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    )
  return value
}

describe('JSON output', () => {
  it('is 2-space indented with a trailing newline, in schema key order whatever order the input had', () => {
    const result = makeResult()
    const json = renderJson(result)
    expect(json.endsWith('}\n')).toBe(true)
    expect(json.startsWith('{\n  "apiVersion": "densityplan.dev/v1alpha1",\n  "kind": "AnalysisResult",\n')).toBe(true)
    expect(renderJson(reverseKeys(result) as AnalysisResult)).toBe(json)
    expect(JSON.parse(json)).toEqual(result)
  })
})

describe('CSV output', () => {
  it('has one row per class × path × sweep point, under the documented header', () => {
    const result = makeResult()
    const rows = parseCsv(renderCsv(result))
    expect(rows[0]).toEqual([...CSV_COLUMNS])
    const expected = result.classes.reduce((n, c) => n + c.results.legacy.sweep.length + c.results.otn.sweep.length, 0)
    expect(rows).toHaveLength(1 + expected)
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true)
    const first = Object.fromEntries(CSV_COLUMNS.map((col, i) => [col, rows[1]![i]]))
    const c0 = result.classes[0]!
    expect(first).toMatchObject({
      pool: c0.pool,
      class_id: c0.id,
      path: 'legacy',
      pods_per_node: String(c0.results.legacy.sweep[0]!.podsPerNode),
      p99_ms: String(c0.results.legacy.sweep[0]!.p99Ms),
      seed: '42',
    })
  })

  it('quotes fields per RFC 4180, so hostile names survive a round trip', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    const hostile = makeHostileResult()
    const rows = parseCsv(renderCsv(hostile))
    expect(rows.slice(1).map((r) => r[0])).toContain(`pool${XSS_IMG}`)
    expect(rows.slice(1).map((r) => r[0])).toContain(`pool${XSS_SCRIPT}`)
  })
})

describe('Markdown output', () => {
  it('leads with the verdict and has the pools, classes, readiness and provenance sections', () => {
    const result = makeResult()
    const text = renderMarkdown(result)
    expect(text.split('\n')[0]).toBe('# Pod start density plan: prod-eu-1 (payments/api-7d9f)')
    for (const heading of ['## Pools', '## Node classes', '## Readiness for the OTN path', '## Assumptions and provenance', '## nullfs and node images'])
      expect(text).toContain(`\n${heading}\n`)
    expect(text).toContain(`**Upgrade: ${result.overall.headline}**`)
    expect(text).toContain('| general | Upgrade | 40 | 62 |')
  })

  it('escapes names so they render as text, not as HTML, links or table cells', () => {
    expect(md('a|b')).toBe('a\\|b')
    expect(md('<img src=x>')).toBe('&lt;img src=x&gt;')
    expect(md('[x](javascript:y)')).toBe('\\[x\\](javascript:y)')
    expect(md('# not a heading (really)')).toBe('\\# not a heading (really)')
    expect(md('*bold* `code` a_b')).toBe('\\*bold\\* \\`code\\` a\\_b')
    const text = renderMarkdown(makeHostileResult())
    expect(text).not.toContain('<img')
    expect(text).not.toContain('<script')
  })
})

describe('renderOutputs', () => {
  it('renders only the requested formats, always with JSON, and needs the vega bundles only for HTML', () => {
    const result = makeResult()
    const out = renderOutputs(result, ['csv', 'md'])
    expect(Object.keys(out).sort()).toEqual(['csv', 'json', 'md'])
    expect(() => renderOutputs(result, ['html'])).toThrow(/assets/)
  })

  it('gives byte-identical outputs for the same result', () => {
    const a = renderOutputs(makeResult(), ['json', 'csv', 'md'])
    const b = renderOutputs(makeResult(), ['json', 'csv', 'md'])
    expect(a).toEqual(b)
  })
})

describe('sensitivity panel and capacity limits in every format', () => {
  it("shows each pool's variations, the verdict they give, and the binding limit, in HTML, Markdown and JSON", async () => {
    const result = makeResult()
    const {loadReportAssets} = await import('../../src/io/report-assets.js')
    const out = renderOutputs(result, ['html', 'md', 'json'], await loadReportAssets())
    const pool = result.pools[0]!
    const variation = pool.sensitivity[0]!
    for (const text of [out.html!, out.md!]) {
      expect(text).toContain('Sensitivity: what the verdict depends on')
      expect(text).toContain('Max pods per node: which limit binds')
      expect(text).toContain('The verdict changes if:')
    }
    expect(out.html!).toContain(escapeHtml(variation.label))
    expect(out.md!).toContain(md(variation.label))
    expect(out.md!).toContain('(CPU requests)')
    const json = JSON.parse(out.json!) as AnalysisResult
    expect(json.pools[0]!.sensitivity.map((v) => v.id)).toEqual(pool.sensitivity.map((v) => v.id))
    expect(json.classes[0]!.density.otn.binding).toBe(result.classes[0]!.density.otn.binding)
  })

  it('appends the capacity-aware max pods/node and its binding limit as the last CSV columns', () => {
    const rows = parseCsv(renderCsv(makeResult()))
    expect(rows[0]!.slice(-2)).toEqual(['max_pods_per_node', 'binding_limit'])
    expect(new Set(rows.slice(1).map((r) => r.at(-1)))).toEqual(new Set(['cpu', 'kernel-latency']))
  })
})
