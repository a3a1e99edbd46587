import {describe, expect, it} from 'vitest'
import {buildCharts} from '../../src/report/charts/index.js'
import {makeResult} from './fixtures/result.js'
import {compileCapturingLog} from './vega-compile.js'

describe('report charts', () => {
  const charts = buildCharts(makeResult())

  it('builds the six charts the report promises, plus the back-test chart when a class is back-tested, with unique ids', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'chart-max-pods',
      'chart-latency-density',
      'chart-cdf',
      'chart-mounts',
      'chart-breakdown',
      'chart-burst',
      'chart-back-test',
    ])
    const untested = makeResult()
    untested.classes = untested.classes.map((c) => ({...c, backTest: null}))
    expect(buildCharts(untested).map((c) => c.id)).not.toContain('chart-back-test')
  })

  for (const chart of charts) {
    it(`${chart.id} compiles with vega-lite without a warning`, () => {
      const {vega, messages} = compileCapturingLog(chart.spec)
      expect(messages).toEqual([])
      expect(JSON.stringify(vega).length).toBeGreaterThan(500)
    })

    it(`${chart.id} matches its golden spec`, async () => {
      await expect(`${JSON.stringify(chart.spec, null, 2)}\n`).toMatchFileSnapshot(`__golden__/${chart.id}.vl.json`)
    })
  }

  it('still compiles cleanly with a single node class (no dropdown) and with none at all (an empty shard)', () => {
    const one = makeResult()
    one.classes = one.classes.slice(0, 1)
    one.pools = one.pools.slice(0, 1)
    const none = makeResult()
    none.classes = []
    none.pools = []
    for (const result of [one, none]) {
      for (const chart of buildCharts(result)) expect(compileCapturingLog(chart.spec).messages, chart.id).toEqual([])
    }
    expect(buildCharts(one).every((c) => !JSON.stringify(c.spec).includes('"bind"'))).toBe(true)
  })

  it('never draws a lower bound ("≥") as a solid bar: it goes to an open, dashed layer with a ▲', () => {
    const result = makeResult()
    const pool = result.pools[0]!
    pool.recommendation.numbers.maxPodsLowerBound = {legacy: false, otn: true}
    pool.recommendation.numbers.bindingLimit = {legacy: 'kernel-latency', otn: 'kernel-latency'}
    const spec = buildCharts(result).find((c) => c.id === 'chart-max-pods')!.spec as unknown as {
      data: {values: Array<{lowerBound: boolean; label: string}>}
      layer: Array<{transform?: Array<{filter: string}>; mark: {type: string; fillOpacity?: number; strokeDash?: number[]; text?: string}}>
    }
    const bound = spec.data.values.filter((r) => r.lowerBound)
    expect(bound).toHaveLength(1)
    expect(bound[0]!.label).toMatch(/^≥ \d+$/)
    const solid = spec.layer.find((l) => l.mark.type === 'bar' && l.mark.fillOpacity === undefined)!
    const open = spec.layer.find((l) => l.mark.type === 'bar' && l.mark.fillOpacity !== undefined)!
    expect(solid.transform).toEqual([{filter: '!datum.lowerBound'}])
    expect(open.transform).toEqual([{filter: 'datum.lowerBound'}])
    expect(open.mark.fillOpacity).toBeLessThan(0.5)
    expect(open.mark.strokeDash).toBeDefined()
    expect(spec.layer.some((l) => l.mark.text === '▲' && l.transform?.[0]?.filter === 'datum.lowerBound')).toBe(true)
  })

  it('fits the latency axis to the data on a linear scale, SLO included, instead of a log axis to 100,000 ms', () => {
    const result = makeResult()
    const json = JSON.stringify(buildCharts(result).find((c) => c.id === 'chart-latency-density')!.spec)
    expect(json).not.toContain('"log"')
    const max = Math.max(result.settings.sloMs, ...result.classes.flatMap((c) => [...c.results.legacy.sweep, ...c.results.otn.sweep].map((s) => s.p99Ci95[1])))
    const domain = JSON.parse(json.match(/"domain":\[0,\d+\]/)![0].slice(9)) as number[]
    expect(domain[1]).toBeGreaterThanOrEqual(max)
    expect(domain[1]).toBeLessThan(max * 1.3)
  })

  it('spans the heatmap colour legend over every simulated cell, and lists cells it could not simulate', () => {
    const result = makeResult()
    // A burst larger than the density is not simulated: drop one cell as analyze would.
    result.classes[0]!.results.legacy.burstGrid.pop()
    const spec = buildCharts(result).find((c) => c.id === 'chart-burst')!.spec as unknown as {
      data: {values: Array<{p99Ms: number | null; overSlo: string}>}
      spec: {encoding: {color: {scale: {domain: number[]}; legend: {values: number[]}}}}
    }
    const values = spec.data.values.flatMap((r) => (r.p99Ms === null ? [] : [r.p99Ms]))
    const [lo, hi] = spec.spec.encoding.color.scale.domain
    expect(lo).toBeLessThanOrEqual(Math.min(...values))
    expect(hi).toBeGreaterThanOrEqual(Math.max(...values))
    expect(spec.spec.encoding.color.legend.values.at(-1)).toBe(hi)
    const missing = spec.data.values.filter((r) => r.p99Ms === null)
    expect(missing).toHaveLength(1)
    expect(missing[0]!.overSlo).toBe('not simulated: burst larger than the pods on the node')
  })

  it('gives every node class its own colour in the mount chart', () => {
    const spec = JSON.stringify(buildCharts(makeResult()).find((c) => c.id === 'chart-mounts')!.spec)
    const range = JSON.parse(spec.match(/"range":\["#[^\]]*\]/)![0].slice(8)) as string[]
    expect(new Set(range).size).toBe(range.length)
  })

  it('tells the reader what to read from every chart', () => {
    for (const c of charts) expect(c.caption, c.id).toMatch(/^Read: /)
  })
})
