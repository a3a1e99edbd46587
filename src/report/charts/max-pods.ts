import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, PATH_COLOR_SCALE, PATH_LABEL, PATHS, baseSpec} from './common.js'

const STATUS_TEXT = {crossing: 'p99 crosses the SLO here', 'beyond-sweep': 'meets the SLO at the largest swept density (lower bound)', never: 'misses the SLO even at the smallest swept density'}

/**
 * Max pods per node whose p99 pod start meets the SLO, per pool, legacy vs OTN as grouped bars,
 * with the CI as an error bar and today's density as a tick.
 */
export function maxPodsSpec(result: AnalysisResult): TopLevelSpec {
  const rows = result.pools.flatMap((pool) =>
    PATHS.map((path) => {
      const slo = pool.slo[path]
      return {
        pool: pool.name, path: PATH_LABEL[path], maxPodsPerNode: slo.maxPodsPerNode, ciLow: slo.ci95[0], ciHigh: slo.ci95[1],
        status: STATUS_TEXT[slo.status], podsPerNodeToday: pool.podsPerNodeToday, nodeLimit: pool.maxPods,
      }
    }),
  )
  const x = {field: 'pool', type: 'nominal', title: 'Node pool', sort: result.pools.map((p) => p.name), axis: {labelAngle: 0, labelLimit: 160}} as const
  const tooltip = [
    {field: 'pool', title: 'Pool'},
    {field: 'path', title: 'Path'},
    {field: 'maxPodsPerNode', title: 'Max pods/node under SLO'},
    {field: 'ciLow', title: 'CI low'},
    {field: 'ciHigh', title: 'CI high'},
    {field: 'status', title: 'Solver'},
    {field: 'podsPerNodeToday', title: 'Pods/node today'},
    {field: 'nodeLimit', title: 'kubelet maxPods'},
  ]
  return {
    ...baseSpec('Maximum pods per node whose p99 pod start meets the SLO, per pool, legacy vs OTN', rows),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    encoding: {x},
    layer: [
      {
        mark: {type: 'bar', cornerRadiusEnd: 2},
        encoding: {
          xOffset: {field: 'path', type: 'nominal', scale: {domain: PATH_COLOR_SCALE.domain}},
          y: {field: 'maxPodsPerNode', type: 'quantitative', title: 'Max pods/node under the SLO'},
          color: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE},
          tooltip,
        },
      },
      {
        mark: {type: 'rule', color: '#1d2430', strokeWidth: 1},
        encoding: {xOffset: {field: 'path', type: 'nominal', scale: {domain: PATH_COLOR_SCALE.domain}}, y: {field: 'ciLow', type: 'quantitative'}, y2: {field: 'ciHigh'}, tooltip},
      },
      {
        mark: {type: 'tick', color: '#1d2430', thickness: 2, size: 60},
        encoding: {y: {field: 'podsPerNodeToday', type: 'quantitative'}, tooltip: [{field: 'pool', title: 'Pool'}, {field: 'podsPerNodeToday', title: 'Pods/node today'}]},
      },
    ],
  } as TopLevelSpec
}
