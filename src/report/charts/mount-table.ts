import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, baseSpec, classLabel} from './common.js'

/** Eight clearly different hues (Dark2 without its green twin, plus others far from orange and blue). */
export const CLASS_COLORS = ['#1b9e77', '#7570b3', '#e7298a', '#a6761d', '#e6ab02', '#666666', '#17becf', '#8c564b']

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
  const x = {field: 'podsPerNode', type: 'quantitative', title: 'Pods per node', axis: {titlePadding: 6}} as const
  const y = {field: 'hostMounts', type: 'quantitative', title: 'Mounts in the host namespace'} as const
  // Distinct hues, none close to the two path colours (orange legacy, blue OTN); classes past the
  // eighth also get their own point shape, so no two classes look the same.
  const color = {field: 'nodeClass', type: 'nominal', title: 'Node class', scale: {range: CLASS_COLORS}} as const
  const shape = {
    field: 'nodeClass',
    type: 'nominal',
    title: 'Node class',
    scale: {range: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left', 'triangle-right']},
  } as const
  return {
    ...baseSpec("Host mount-table size vs pods per node, per node class, with today's point", rows),
    width: CHART_WIDTH,
    // A little shorter than the other charts so the x-axis title stays inside the figure when the
    // legend wraps onto a second row.
    height: CHART_HEIGHT - 20,
    padding: {left: 5, right: 5, top: 5, bottom: 12},
    layer: [
      {
        transform: [{filter: "datum.point === 'sweep'"}],
        mark: {type: 'line', strokeWidth: 2, point: {size: 30, filled: true}},
        encoding: {x, y, color, shape, tooltip},
      },
      {
        transform: [{filter: "datum.point === 'today'"}],
        mark: {type: 'point', filled: false, size: 160, shape: 'circle', stroke: '#1d2430', strokeWidth: 2},
        encoding: {x, y, tooltip},
      },
    ],
  } as TopLevelSpec
}
