import {describe, expect, it} from 'vitest'
import {buildCharts} from '../../src/report/charts/index.js'
import {makeResult} from './fixtures/result.js'
import {compileCapturingLog} from './vega-compile.js'

describe('report charts', () => {
  const charts = buildCharts(makeResult())

  it('builds the six charts the report promises, plus the back-test chart when a class is back-tested, with unique ids', () => {
    expect(charts.map((c) => c.id)).toEqual(['chart-max-pods', 'chart-latency-density', 'chart-cdf', 'chart-mounts', 'chart-breakdown', 'chart-burst', 'chart-back-test'])
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
})
