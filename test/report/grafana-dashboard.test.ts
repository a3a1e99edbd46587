import {readFileSync, readdirSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {z} from 'zod'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {FAMILIES, renderOpenMetrics} from '../../src/report/openmetrics.js'
import {startPrometheus, waitFor, type TestPrometheus} from '../support/prometheus/server.js'
import {makeResult} from './fixtures/result.js'

// docs/grafana/densityplan.json against the subset of Grafana's dashboard model (schemaVersion
// 39, Grafana 10.4 / 11) it uses, written here as a strict zod schema: an unknown or misspelt
// field fails. Every metric a query names must be one `--format prom` emits or one the real
// kubelet dumps in test/fixtures/real-world/ expose.

const datasource = z.strictObject({type: z.literal('prometheus'), uid: z.literal('${DS_PROMETHEUS}')})
const target = z.strictObject({
  refId: z.string().regex(/^[A-Z]$/),
  datasource,
  expr: z.string().min(1),
  legendFormat: z.string(),
  instant: z.boolean().optional(),
  range: z.boolean().optional(),
  format: z.enum(['time_series', 'table']).optional(),
})
const gridPos = z
  .strictObject({x: z.number().int().min(0).max(23), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1)})
  .refine((g) => g.x + g.w <= 24, 'panel wider than the 24-column grid')
const fieldConfig = z.strictObject({defaults: z.strictObject({unit: z.enum(['s', 'none'])}), overrides: z.array(z.never())})
const panelBase = {
  id: z.number().int().positive(),
  title: z.string().min(1),
  description: z.string().min(1),
  gridPos,
  datasource,
  fieldConfig,
  targets: z.array(target).min(1),
}
const panel = z.discriminatedUnion('type', [
  z.strictObject({
    ...panelBase,
    type: z.literal('timeseries'),
    options: z.strictObject({
      legend: z.strictObject({displayMode: z.enum(['list', 'table', 'hidden']), placement: z.enum(['bottom', 'right']), showLegend: z.boolean()}),
      tooltip: z.strictObject({mode: z.enum(['single', 'multi', 'none']), sort: z.enum(['none', 'asc', 'desc'])}),
    }),
  }),
  z.strictObject({
    ...panelBase,
    type: z.literal('stat'),
    options: z.strictObject({
      reduceOptions: z.strictObject({calcs: z.array(z.string()), fields: z.string(), values: z.boolean()}),
      textMode: z.enum(['auto', 'value', 'value_and_name', 'name', 'none']),
      colorMode: z.enum(['value', 'background', 'none']),
      graphMode: z.enum(['none', 'area']),
    }),
  }),
  z.strictObject({...panelBase, type: z.literal('table'), options: z.strictObject({showHeader: z.boolean()})}),
])
const variable = z.strictObject({
  name: z.string().regex(/^[a-z_]+$/),
  label: z.string(),
  type: z.literal('query'),
  datasource,
  query: z.strictObject({query: z.string().regex(/^label_values\([a-z_:]+, [a-z_]+\)$/), refId: z.string()}),
  definition: z.string(),
  refresh: z.union([z.literal(1), z.literal(2)]),
  multi: z.boolean(),
  includeAll: z.boolean(),
  allValue: z.string().optional(),
  sort: z.number().int(),
})
const DashboardSchema = z.strictObject({
  __inputs: z.array(
    z.strictObject({
      name: z.literal('DS_PROMETHEUS'),
      label: z.string(),
      description: z.string(),
      type: z.literal('datasource'),
      pluginId: z.literal('prometheus'),
      pluginName: z.string(),
    }),
  ),
  __requires: z.array(z.strictObject({type: z.enum(['grafana', 'datasource', 'panel']), id: z.string(), name: z.string(), version: z.string()})),
  title: z.string().min(1),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  description: z.string(),
  tags: z.array(z.string()),
  schemaVersion: z.literal(39),
  version: z.number().int().positive(),
  editable: z.boolean(),
  graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  time: z.strictObject({from: z.string(), to: z.string()}),
  refresh: z.string(),
  timezone: z.enum(['browser', 'utc', '']),
  templating: z.strictObject({list: z.array(variable)}),
  annotations: z.strictObject({list: z.array(z.never())}),
  panels: z.array(panel).min(1),
})

const dashboard = DashboardSchema.parse(JSON.parse(readFileSync(new URL('../../docs/grafana/densityplan.json', import.meta.url), 'utf8')))
const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query.query)]

const PROMQL_WORDS = new Set([
  'sum',
  'by',
  'without',
  'rate',
  'increase',
  'histogram_quantile',
  'label_values',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'max',
  'min',
  'avg',
  'count',
  'and',
  'or',
  'unless',
])

/** Metric names in a PromQL expression: identifiers outside strings, label matchers, ranges and by/on lists. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),\s*[a-zA-Z_]+\)/g, '$1')
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w))
}

/** Metric names the real kubelet dumps expose (sample lines). */
function kubeletMetricNames(): Set<string> {
  const dir = new URL('../fixtures/real-world/', import.meta.url)
  const names = new Set<string>()
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.prom'))) {
    for (const line of readFileSync(new URL(f, dir), 'utf8').split('\n')) if (/^[a-zA-Z_:]/.test(line)) names.add(line.split(/[{\s]/)[0]!)
  }
  return names
}

describe('the Grafana dashboard docs/grafana/densityplan.json', () => {
  it('loads as a schemaVersion 39 dashboard of the panels and variables it uses', () => {
    expect(dashboard.schemaVersion).toBe(39)
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)
    for (const p of dashboard.panels) expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length)
  })

  it('references only metrics densityplan emits or kubelets expose', () => {
    const emitted = new Set(FAMILIES.map((f) => f.name))
    const kubelet = kubeletMetricNames()
    const used = new Set(queries.flatMap(metricNames))
    expect(used.size).toBeGreaterThan(5)
    expect([...used].filter((m) => !emitted.has(m) && !kubelet.has(m))).toEqual([])
    expect(used.has('kubelet_pod_start_sli_duration_seconds_bucket')).toBe(true)
    expect(used.has('densityplan_pool_predicted_pod_start_p99_seconds')).toBe(true)
  })

  it('the metric-name check catches a metric neither emits', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, pool) (rate(kube_node_labels{x="y"}[5m])))')).toEqual(['kube_node_labels'])
  })

  it('shows predicted p99 on both kernel paths next to the observed kubelet SLI p99 per pool', () => {
    const main = dashboard.panels.find(
      (p) =>
        p.targets.some((t) => t.expr.includes('kubelet_pod_start_sli_duration_seconds_bucket')) &&
        p.targets.some((t) => t.expr.includes('densityplan_pool_predicted_pod_start_p99_seconds')),
    )!
    expect(main.fieldConfig.defaults.unit).toBe('s')
    expect(main.targets.map((t) => t.expr.match(/path="(\w+)"/)?.[1]).filter(Boolean)).toEqual(['legacy', 'otn'])
    expect(main.targets.some((t) => /histogram_quantile\(0\.99,/.test(t.expr))).toBe(true)
    expect(main.title).toContain('$pool')
  })

  it('uses only the template variables it defines', () => {
    const defined = new Set(['__rate_interval', ...dashboard.templating.list.map((v) => v.name)])
    const used = new Set(
      dashboard.panels
        .flatMap((p) => [p.title, ...p.targets.flatMap((t) => [t.expr, t.legendFormat])])
        .flatMap((s) => [...s.matchAll(/\$(\w+)/g)].map((m) => m[1]!)),
    )
    expect([...used].filter((v) => !defined.has(v))).toEqual([])
  })
})

describe("the dashboard's queries on a real Prometheus that scraped `--format prom` output", () => {
  // The OpenMetrics text of a fixture result, served with the OpenMetrics content type, so
  // Prometheus's own OpenMetrics parser reads it (promtool checks only the 0.0.4 format).
  const result = makeResult()
  let prom: TestPrometheus
  let exporter: Server
  let scrapes = 0
  beforeAll(async () => {
    exporter = createServer((_req, res) => {
      scrapes++
      res.writeHead(200, {'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8'}).end(renderOpenMetrics(result))
    })
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve))
    prom = await startPrometheus([{address: `127.0.0.1:${(exporter.address() as AddressInfo).port}`, metricsPath: '/metrics', labels: {}}])
    await waitFor(
      async () => (await prom.query('up == 1')).length === 1 && (await prom.query('densityplan_pool_nodes')).length > 0,
      20_000,
      () => `scrapes: ${scrapes}`,
    )
  })
  afterAll(async () => {
    await prom?.close()
    await new Promise((r) => (exporter ? exporter.close(r) : r(undefined)))
  })

  it('are valid PromQL for Prometheus 2.42 (variables filled in as Grafana would)', async () => {
    const exprs = dashboard.panels.flatMap((p) =>
      p.targets.map((t) => t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$node', '.*').replaceAll('$pool', result.pools[0]!.name)),
    )
    for (const expr of exprs) {
      const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`)
      expect(await res.json(), expr).toMatchObject({status: 'success'})
    }
  })

  it('the predicted p99 panel shows, per path, the value of the result for the chosen pool', async () => {
    const pool = result.pools[1]!
    const main = dashboard.panels.find((p) => p.id === 1)!
    for (const [i, path] of [
      [0, 'legacy'],
      [1, 'otn'],
    ] as const) {
      const rows = await prom.query(main.targets[i]!.expr.replaceAll('$pool', pool.name))
      const ms = path === 'legacy' ? pool.recommendation.numbers.p99TodayLegacyMs : pool.recommendation.numbers.p99TodayOtnMs
      expect(rows.map((r) => Number(r.value[1]))).toEqual([ms / 1000])
    }
  })

  it('every densityplan metric the dashboard uses has data once Prometheus scraped the OpenMetrics text', async () => {
    const emitted = new Set(FAMILIES.map((f) => f.name))
    for (const m of new Set(queries.flatMap(metricNames).filter((n) => emitted.has(n)))) expect((await prom.query(m)).length, m).toBeGreaterThan(0)
  })
})
