import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult, BindingLimit} from '../../domain/analysis.js'
import {BINDING_LABEL, formatDensity, recommendedDensity} from '../../domain/density-text.js'
import {CHART_HEIGHT, CHART_WIDTH, PATH_COLOR_SCALE, PATH_LABEL, PATHS, baseSpec} from './common.js'

/** The binding limit in a word or two, to fit over a bar. */
const SHORT_LIMIT: Record<BindingLimit, string> = {'kernel-latency': 'kernel', 'max-pods': 'maxPods', cpu: 'CPU', memory: 'memory', 'pod-ips': 'pod IPs'}

/**
 * Capacity-aware max pods per node (the smallest of the kernel-latency bound and the capacity
 * limits), per pool, legacy vs OTN as grouped bars labelled with the value and the limit that
 * binds. A lower bound ("≥ N": the SLO held over the whole sweep and no capacity limit is lower)
 * is drawn as an open, dashed bar with an arrow, never as a solid one. Today's density is a tick.
 */
export function maxPodsSpec(result: AnalysisResult): TopLevelSpec {
  const rows = result.pools.flatMap((pool) =>
    PATHS.map((path) => {
      const d = recommendedDensity(pool.recommendation.numbers, path)
      return {
        pool: pool.name,
        path: PATH_LABEL[path],
        maxPodsPerNode: d.maxPodsPerNode,
        label: formatDensity(d),
        barLabel: d.maxPodsPerNode === 0 ? 'none' : `${formatDensity(d)}\n${SHORT_LIMIT[d.binding]}`,
        limit: BINDING_LABEL[d.binding],
        kind: d.lowerBound ? 'lower bound (≥)' : 'value',
        lowerBound: d.lowerBound,
        podsPerNodeToday: pool.podsPerNodeToday,
        nodeLimit: pool.maxPods,
      }
    }),
  )
  const x = {field: 'pool', type: 'nominal', title: 'Node pool', sort: result.pools.map((p) => p.name), axis: {labelAngle: 0, labelLimit: 160}} as const
  const xOffset = {field: 'path', type: 'nominal', scale: {domain: PATH_COLOR_SCALE.domain}} as const
  const y = {
    field: 'maxPodsPerNode',
    type: 'quantitative',
    title: 'Max pods/node (SLO and capacity)',
    scale: {domainMax: Math.ceil(Math.max(10, ...rows.map((r) => r.maxPodsPerNode)) * 1.25)},
  } as const
  const tooltip = [
    {field: 'pool', title: 'Pool'},
    {field: 'path', title: 'Path'},
    {field: 'label', title: 'Max pods/node'},
    {field: 'limit', title: 'Binding limit'},
    {field: 'kind', title: 'Kind'},
    {field: 'podsPerNodeToday', title: 'Pods/node today'},
    {field: 'nodeLimit', title: 'kubelet maxPods'},
  ]
  return {
    ...baseSpec('Capacity-aware maximum pods per node, per pool, legacy vs OTN, labelled with the binding limit; lower bounds drawn open', rows),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    encoding: {x},
    layer: [
      {
        transform: [{filter: '!datum.lowerBound'}],
        mark: {type: 'bar', cornerRadiusEnd: 2},
        encoding: {xOffset, y, color: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE}, tooltip},
      },
      {
        // Lower bounds: outline only, dashed, so a "≥" never reads as a measured value.
        transform: [{filter: 'datum.lowerBound'}],
        mark: {type: 'bar', fillOpacity: 0.12, strokeWidth: 2, strokeDash: [5, 3]},
        encoding: {
          xOffset,
          y,
          color: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE},
          stroke: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE},
          tooltip,
        },
      },
      {
        transform: [{filter: 'datum.lowerBound'}],
        mark: {type: 'text', text: '▲', dy: -16, fontSize: 12},
        encoding: {xOffset, y, color: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE}},
      },
      {
        // Value and binding limit above the bar, on two lines ("177" / "CPU").
        mark: {type: 'text', dy: -5, fontSize: 10, baseline: 'bottom', color: '#1d2430', lineBreak: '\n'},
        encoding: {xOffset, y, text: {field: 'barLabel'}, tooltip},
      },
      {
        mark: {type: 'tick', color: '#1d2430', thickness: 2, size: 60},
        encoding: {
          y: {field: 'podsPerNodeToday', type: 'quantitative'},
          tooltip: [
            {field: 'pool', title: 'Pool'},
            {field: 'podsPerNodeToday', title: 'Pods/node today'},
          ],
        },
      },
    ],
  } as TopLevelSpec
}
