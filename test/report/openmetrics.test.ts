import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {AnalysisResultSchema} from '../../src/domain/analysis.js'
import {renderJson} from '../../src/report/json.js'
import {FAMILIES, renderOpenMetrics} from '../../src/report/openmetrics.js'
import {makeHostileResult, makeResult} from './fixtures/result.js'

// `--format prom`: checked by a real parser (promtool from Debian's prometheus package, installed
// by scripts/test-prereqs.sh), and read back here by an independent minimal parser.

function promtool(text: string): {status: number | null; output: string} {
  const r = spawnSync('promtool', ['check', 'metrics'], {input: text, encoding: 'utf8'})
  return {status: r.status, output: `${r.stdout}${r.stderr}`}
}

interface Parsed {
  types: Map<string, string>
  units: Map<string, string>
  samples: Array<{name: string; labels: Record<string, string>; value: number}>
}

function parse(text: string): Parsed {
  const p: Parsed = {types: new Map(), units: new Map(), samples: []}
  for (const line of text.trimEnd().split('\n')) {
    const meta = line.match(/^# (TYPE|UNIT) (\S+) (\S+)$/)
    if (meta) (meta[1] === 'TYPE' ? p.types : p.units).set(meta[2]!, meta[3]!)
    if (line.startsWith('#')) continue
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/)
    if (!m) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    p.samples.push({name: m[1]!, labels, value: Number(m[3])})
  }
  return p
}

const scratch = mkdtempSync(join(tmpdir(), 'densityplan-openmetrics-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

describe('OpenMetrics output (--format prom)', () => {
  const result = makeResult()
  const text = renderOpenMetrics(result)

  it('passes promtool check metrics with no complaint', () => {
    expect(promtool(text)).toEqual({status: 0, output: ''})
  })

  it('ends with # EOF, types every family as a gauge and names them densityplan_* in base units', () => {
    expect(text.endsWith('\n# EOF\n')).toBe(true)
    const p = parse(text)
    const names = new Set(p.samples.map((s) => s.name))
    expect([...names].every((n) => n.startsWith('densityplan_'))).toBe(true)
    expect([...names].every((n) => p.types.get(n) === 'gauge')).toBe(true)
    expect([...names].filter((n) => /_(ms|milliseconds|microseconds)\b/.test(n))).toEqual([])
    for (const n of names) if (n.endsWith('_seconds')) expect(p.units.get(n)).toBe('seconds')
  })

  it('gives predicted p50 and p99 per class and path, and p99 and max pods/node per pool and path, in seconds', () => {
    const p = parse(text)
    const get = (name: string, labels: Record<string, string>) =>
      p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    for (const c of result.classes) {
      for (const path of ['legacy', 'otn'] as const) {
        expect(get('densityplan_class_predicted_pod_start_p99_seconds', {class: c.id, path}).map((s) => s.value)).toEqual([
          c.results[path].today.podStart.p99Ms / 1000,
        ])
        expect(get('densityplan_class_predicted_pod_start_p50_seconds', {class: c.id, pool: c.pool, path}).map((s) => s.value)).toEqual([
          c.results[path].today.podStart.p50Ms / 1000,
        ])
        expect(get('densityplan_class_max_pods_per_node', {class: c.id, path}).map((s) => s.value)).toEqual([c.density[path].maxPodsPerNode])
      }
    }
    for (const pool of result.pools) {
      expect(get('densityplan_pool_predicted_pod_start_p99_seconds', {pool: pool.name, path: 'otn'}).map((s) => s.value)).toEqual([
        pool.recommendation.numbers.p99TodayOtnMs / 1000,
      ])
      expect(get('densityplan_pool_max_pods_per_node', {pool: pool.name, path: 'legacy'}).map((s) => s.value)).toEqual([
        pool.recommendation.numbers.maxPodsPerNodeLegacy,
      ])
      expect(get('densityplan_pool_max_pods_binding_limit_info', {pool: pool.name, path: 'otn'}).map((s) => [s.labels['limit'], s.value])).toEqual([
        [pool.recommendation.numbers.bindingLimit.otn, 1],
      ])
      expect(get('densityplan_pool_verdict_info', {pool: pool.name}).map((s) => [s.labels['verdict'], s.value])).toEqual([[pool.recommendation.verdict, 1]])
    }
    expect(get('densityplan_model_info', {path: 'otn'})[0]!.labels).toMatchObject({
      model: result.models.otn.id,
      sha256: result.models.otn.sha256,
      measured_on_kernel: result.models.otn.measuredOnKernel,
    })
  })

  it.each([
    ['HTML/JS payloads', makeHostileResult()],
    [
      'backslashes, quotes and newlines',
      makeResult({pools: ['back\\slash "quoted"\nnext line', 'c:\\', 'plain'], nodePrefix: 'n-', namespace: 'ns', pod: 'p'}),
    ],
  ])('escapes pool names with %s so they round-trip and still pass promtool', (_, hostile) => {
    const out = renderOpenMetrics(hostile)
    expect(promtool(out)).toEqual({status: 0, output: ''})
    expect(
      new Set(
        parse(out)
          .samples.filter((s) => s.name === 'densityplan_pool_nodes')
          .map((s) => s.labels['pool']),
      ),
    ).toEqual(new Set(hostile.pools.map((p) => p.name)))
  })

  it('renders the same result to the same bytes and every family at most once', () => {
    expect(renderOpenMetrics(makeResult())).toBe(text)
    expect(new Set(FAMILIES.map((f) => f.name)).size).toBe(FAMILIES.length)
  })

  it('is what `report --format prom` writes from a saved result', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'))
    writeFileSync(join(dir, 'r.json'), renderJson(result))
    const {error} = await runCommand(['report', join(dir, 'r.json'), '--format', 'prom', '--out', join(dir, 'r.prom')])
    expect(error).toBeUndefined()
    expect(readFileSync(join(dir, 'r.prom'), 'utf8')).toBe(renderOpenMetrics(AnalysisResultSchema.parse(JSON.parse(renderJson(result)))))
  })

  it('`analyze --format prom,json` writes metrics that pass promtool and match the JSON result', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'))
    const {error} = await runCommand([
      'analyze',
      '--demo',
      '--replications',
      '2',
      '--sweep-points',
      '2',
      '--burst-sizes',
      '1',
      '--format',
      'prom,json',
      '--out',
      join(dir, 'plan.prom'),
    ])
    expect(error).toBeUndefined()
    const prom = readFileSync(join(dir, 'plan.prom'), 'utf8')
    expect(promtool(prom)).toEqual({status: 0, output: ''})
    const json = AnalysisResultSchema.parse(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')))
    const p99 = parse(prom).samples.filter((s) => s.name === 'densityplan_class_predicted_pod_start_p99_seconds' && s.labels['path'] === 'legacy')
    expect(p99.map((s) => [s.labels['class'], s.value])).toEqual(json.classes.map((c) => [c.id, c.results.legacy.today.podStart.p99Ms / 1000]))
  })
})
