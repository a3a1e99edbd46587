import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, baseSpec, classLabel} from './common.js'

/**
 * Host mount-table size vs pods per node, per class: every mount there is copied by each legacy
 * container start (copy_mnt_ns) and propagated into in-flight copies, so it drives legacy cost.
 * The sweep is the same for both paths (the host table doesn't depend on the start path).
 */
export function mountTableSpec(result: AnalysisResult): TopLevelSpec {
  const rows = result.classes.flatMap((c) => [
    ...c.results.legacy.sweep.map((s) => ({nodeClass: classLabel(c), podsPerNode: s.podsPerNode, hostMounts: s.hostMounts, point: 'sweep'})),
    {nodeClass: classLabel(c), podsPerNode: c.podsPerNodeToday, hostMounts: c.hostMountsToday, point: 'today'},
  ])
  const tooltip = [
    {field: 'nodeClass', title: 'Node class'},
    {field: 'podsPerNode', title: 'Pods/node'},
    {field: 'hostMounts', title: 'Host mounts', format: ','},
    {field: 'point', title: 'Point'},
  ]
  const x = {field: 'podsPerNode', type: 'quantitative', title: 'Pods per node'} as const
  const y = {field: 'hostMounts', type: 'quantitative', title: 'Mounts in the host namespace'} as const
  const color = {field: 'nodeClass', type: 'nominal', title: 'Node class', scale: {range: ['#1b9e77', '#7570b3', '#66a61e', '#e7298a', '#a6761d', '#666666', '#17becf', '#bcbd22']}} as const
  return {
    ...baseSpec('Host mount-table size vs pods per node, per node class, with today\'s point', rows),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {transform: [{filter: 'datum.point === \'sweep\''}], mark: {type: 'line', strokeWidth: 2}, encoding: {x, y, color, tooltip}},
      {transform: [{filter: 'datum.point === \'today\''}], mark: {type: 'point', filled: true, size: 90, shape: 'diamond', stroke: '#1d2430', strokeWidth: 1}, encoding: {x, y, color, tooltip}},
    ],
  } as TopLevelSpec
}
