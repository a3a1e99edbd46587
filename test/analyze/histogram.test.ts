import {describe, expect, it} from 'vitest'
import {histogramQuantile, mergeHistograms} from '../../src/profile/histogram.js'
import {overheadFromSli, planClass, DEFAULT_SETTINGS} from '../../src/analyze/plan.js'
import {nodeClass} from './support/fake-sim.js'

// 100 pod starts: 10 under 0.5 s, 60 more under 1 s, 20 more under 2 s, 10 above 5 s.
const h = {
  buckets: [
    {le: 0.5, count: 10},
    {le: 1, count: 70},
    {le: 2, count: 90},
    {le: 5, count: 90},
    {le: null, count: 100},
  ],
  sum: 150,
  count: 100,
}

describe('kubelet pod start SLI histograms', () => {
  it('reads quantiles like PromQL histogram_quantile, interpolating inside the bucket', () => {
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(0.5 + 0.5 * (40 / 60), 10)
    expect(histogramQuantile(h, 0.8)).toBeCloseTo(1.5, 10)
    expect(histogramQuantile(h, 0.05)).toBeCloseTo(0.25, 10)
    // A rank in the +Inf bucket gives the highest finite bound.
    expect(histogramQuantile(h, 0.99)).toBe(5)
    expect(histogramQuantile({buckets: [], sum: 0, count: 0}, 0.5)).toBeNull()
  })

  it('merges histograms of several nodes bucket by bucket', () => {
    const m = mergeHistograms([h, h])!
    expect(m.count).toBe(200)
    expect(m.buckets.map((b) => b.count)).toEqual([20, 140, 180, 180, 200])
    expect(histogramQuantile(m, 0.5)).toBeCloseTo(histogramQuantile(h, 0.5)!, 10)
    expect(mergeHistograms([])).toBeNull()
  })

  it('is preferred over pod timestamps as the non-mount overhead, and says so', () => {
    const cls = nodeClass({kubeletSli: h, observedStartMs: Array.from({length: 50}, () => 9000)})
    const plan = planClass(cls, {...DEFAULT_SETTINGS, seed: 1}, [])
    expect(plan.overhead.source).toBe('observed')
    expect(plan.overhead.p50Ms).toBeCloseTo(833.3, 1)
    expect(plan.overhead.note).toMatch(/kubelet_pod_start_sli_duration_seconds on this class/)
    expect(overheadFromSli({...h, buckets: h.buckets.map((b) => ({...b, count: b.count / 10}))}, 'x')).toBeNull()
  })
})
