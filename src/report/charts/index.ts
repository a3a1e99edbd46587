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
    {
      id: 'chart-max-pods',
      title: 'Max pods per node',
      wide: false,
      spec: maxPodsSpec(result),
      caption: `Read: how many pods a node of each pool can run on each path. Each bar is the smallest of the kernel-latency bound (p99 within ${slo}) and the capacity limits (maxPods, CPU and memory requests, pod IPs); the word under each value names the limit that binds. An open dashed bar with ▲ is a lower bound (the SLO held over the whole sweep). Black tick: pods/node today. The OTN bar is taller only where the kernel latency was the binding limit.`,
    },
    {
      id: 'chart-latency-density',
      title: 'Pod start latency vs density',
      wide: false,
      spec: latencyVsDensitySpec(result),
      caption: `Read: where the p99 line (solid) crosses the red ${slo} SLO rule is the kernel-latency bound of max pods/node; the gap between the orange and blue lines is what OPEN_TREE_NAMESPACE saves. p50 dashed; bands are 95% CIs.`,
    },
    {
      id: 'chart-cdf',
      title: 'Start latency distribution today',
      wide: false,
      spec: latencyCdfSpec(result),
      caption:
        "Read: the share of pods started within a given time at today's density and burst; the top 1% of the curve is the p99. A curve further left starts pods sooner.",
    },
    {
      id: 'chart-mounts',
      title: 'Host mount table vs density',
      wide: false,
      spec: mountTableSpec(result),
      caption:
        'Read: how big the host mount table gets as pods are added; each legacy container start copies all of it (copy_mnt_ns), OTN copies none. Ringed point: today.',
    },
    {
      id: 'chart-breakdown',
      title: 'Where the time goes',
      wide: true,
      spec: timeBreakdownSpec(result),
      caption:
        'Read: how much of a pod start is spent waiting for or holding the global namespace_sem (what the kernel upgrade removes) versus everything else (kubelet, CNI, runtime), which no kernel changes.',
    },
    {
      id: 'chart-burst',
      title: 'Burst size × density (p99)',
      wide: true,
      spec: burstHeatmapSpec(result),
      caption: `Read: p99 pod start when that many pods start at once on a node with that many pods; outlined cells exceed the ${slo} SLO. Grey cells: burst larger than the node's pods (cannot happen, not simulated). Columns are the simulated densities in order, not to scale.`,
    },
    ...(result.classes.some((c) => c.backTest)
      ? [
          {
            id: 'chart-back-test',
            title: 'Back-test: simulated today vs observed',
            wide: false,
            spec: backTestSpec(result),
            caption:
              'Read: whether the model reproduces today. Grey steps: share of observed pod starts at or below each latency (the cumulative histogram); line: the same from the simulation of today. A line along the step tops means the model reproduces today.',
          },
        ]
      : []),
  ]
}
