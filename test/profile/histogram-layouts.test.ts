import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {cumulativeAt, histogramQuantile, mergeHistograms} from '../../src/profile/histogram.js'
import {parseHistograms} from '../../src/cluster/prometheus.js'
import type {Histogram} from '../../src/domain/snapshot.js'

// Real kubelet dumps (test/fixtures/real-world/SOURCES.md): an AKS node's SLI histogram
// (0.5…3600 s buckets) fresh and after 110 pods (whose _sum is negative), and an EKS kubelet's
// kubelet_pod_start_duration_seconds (Prometheus default buckets 0.005…10 s).
const dump = (file: string) => readFileSync(new URL(`../fixtures/real-world/${file}`, import.meta.url), 'utf8')
const aksFresh = parseHistograms(dump('kubelet-metrics-pod-start-sli-aks-fresh-node.prom'), 'kubelet_pod_start_sli_duration_seconds').get('')!
const aksAfter = parseHistograms(dump('kubelet-metrics-pod-start-sli-aks-after-110pods.prom'), 'kubelet_pod_start_sli_duration_seconds').get('')!
const eksDefault = parseHistograms(dump('kubelet-metrics-eks-v1.21-excerpt-datadog-fixture.prom'), 'kubelet_pod_start_duration_seconds').get('')!

const isMonotone = (h: Histogram) => h.buckets.every((b, i) => i === 0 || b.count >= h.buckets[i - 1]!.count - 1e-9)

describe('merging kubelet histograms with different bucket layouts', () => {
  it('the fixtures really have two layouts and one negative _sum', () => {
    const bounds = (h: Histogram) => h.buckets.map((b) => b.le)
    expect(bounds(aksFresh)).toEqual(bounds(aksAfter))
    expect(bounds(aksFresh)).not.toEqual(bounds(eksDefault))
    expect(aksAfter.sum).toBeLessThan(0)
  })

  it('gives a monotone cumulative histogram over the union of the bounds, exact at the bounds every input has', () => {
    const m = mergeHistograms([aksFresh, eksDefault])!
    expect(isMonotone(m)).toBe(true)
    const union = new Set([...aksFresh.buckets, ...eksDefault.buckets].map((b) => b.le))
    expect(m.buckets.map((b) => b.le)).toEqual([...union].sort((a, b) => (a ?? Infinity) - (b ?? Infinity)))
    for (const le of [0.5, 1, 5, 10, null]) {
      const at = (h: Histogram) => h.buckets.find((b) => b.le === le)!.count
      expect(at(m)).toBe(at(aksFresh) + at(eksDefault))
    }
    expect(m.count).toBe(aksFresh.count + eksDefault.count)
  })

  it('summing counts by le alone (the old merge) would not be monotone for these layouts', () => {
    const naive = new Map<number | null, number>()
    for (const h of [aksFresh, eksDefault]) for (const b of h.buckets) naive.set(b.le, (naive.get(b.le) ?? 0) + b.count)
    const sorted = [...naive.entries()].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([le, count]) => ({le, count}))
    expect(isMonotone({buckets: sorted, sum: 0, count: 0})).toBe(false)
  })

  it('interpolates an input inside its own bucket at a bound it lacks, and holds its last finite count beyond its layout', () => {
    // EKS: 30 at le=2.5, 53 at le=5 → 41.5 at 3.75; beyond 10 s (57) it stays 57 until +Inf (60).
    expect(cumulativeAt(eksDefault, 3.75)).toBeCloseTo(41.5, 10)
    expect(cumulativeAt(eksDefault, 60)).toBe(57)
    expect(cumulativeAt(eksDefault, null)).toBe(60)
  })

  it('keeps a negative _sum out of the merged sum but counts its observations', () => {
    const m = mergeHistograms([aksFresh, aksAfter])!
    expect(m.sum).toBe(aksFresh.sum)
    expect(m.count).toBe(aksFresh.count + aksAfter.count)
    expect(m.buckets.map((b) => b.count)).toEqual(aksFresh.buckets.map((b, i) => b.count + aksAfter.buckets[i]!.count))
    expect(histogramQuantile(m, 0.5)).toBeGreaterThan(4)
  })
})
