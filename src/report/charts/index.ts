import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {backTestSpec} from './back-test.js'
import {burstHeatmapSpec} from './burst-heatmap.js'
import {latencyCdfSpec} from './latency-cdf.js'
import {latencyVsDensitySpec} from './latency-vs-density.js'
import {maxPodsSpec} from './max-pods.js'
import {mountTableSpec} from './mount-table.js'
import {timeBreakdownSpec} from './time-breakdown.js'

export interface ReportChart {
  /** DOM id of the chart's container; also the golden file name. */
  id: string
  title: string
  /** One or two sentences: how to read it. */
  caption: string
  /** Spans both grid columns. */
  wide: boolean
  spec: TopLevelSpec
}

/** Every chart of the report, in page order. */
export function buildCharts(result: AnalysisResult): ReportChart[] {
  const slo = `${result.settings.sloMs.toLocaleString('en-US')} ms`
  return [
    {id: 'chart-max-pods', title: 'Max pods per node under the SLO', wide: false, spec: maxPodsSpec(result),
      caption: `Highest density whose simulated p99 pod start stays within ${slo}, per pool (the most constrained class binds). Whiskers: 95% CI; black tick: pods/node today.`},
    {id: 'chart-latency-density', title: 'Pod start latency vs density', wide: false, spec: latencyVsDensitySpec(result),
      caption: 'p50 (dashed) and p99 (solid) pod start as pods per node grow, with 95% CI bands, on a log axis; the red rule is the SLO.'},
    {id: 'chart-cdf', title: 'Start latency distribution today', wide: false, spec: latencyCdfSpec(result),
      caption: 'Share of pods started within a given time at today\'s density and burst. Curves further left are better.'},
    {id: 'chart-mounts', title: 'Host mount table vs density', wide: false, spec: mountTableSpec(result),
      caption: 'Mounts in the host namespace: each legacy container start copies all of them (copy_mnt_ns). Diamond: today.'},
    {id: 'chart-breakdown', title: 'Where the time goes', wide: true, spec: timeBreakdownSpec(result),
      caption: 'Mean pod start split into waiting for the global namespace_sem, holding it, and everything else.'},
    {id: 'chart-burst', title: 'Burst size × density (p99)', wide: true, spec: burstHeatmapSpec(result),
      caption: `p99 pod start for bursts of pods started at once; outlined cells exceed the ${slo} SLO.`},
    ...(result.classes.some((c) => c.backTest) ? [{id: 'chart-back-test', title: 'Back-test: simulated today vs observed', wide: false, spec: backTestSpec(result),
      caption: 'Grey steps: share of observed pod starts at or below each latency (the cumulative histogram); line: the same from the simulation of today. A line along the step tops means the model reproduces today.'}] : []),
  ]
}
