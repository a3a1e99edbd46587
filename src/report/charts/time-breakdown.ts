import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_WIDTH, PATH_LABEL, PATH_SHORT, PATHS, baseSpec, classLabel} from './common.js'

const COMPONENTS = [
  {key: 'lockWaitMs', label: 'Waiting for the lock', color: '#b42318'},
  {key: 'lockHoldMs', label: 'Holding the lock', color: '#f0a04b'},
  {key: 'otherMs', label: 'Other (kubelet, CNI, runtime)', color: '#aab3bf'},
] as const

/**
 * Where a pod's start time goes at today's density (mean per pod): waiting for the global
 * mount-namespace lock, holding it, and the rest. One stacked bar per class and path.
 */
export function timeBreakdownSpec(result: AnalysisResult): TopLevelSpec {
  const rows = result.classes.flatMap((c, classIndex) =>
    PATHS.flatMap((path, pathIndex) => {
      const breakdown = c.results[path].today.breakdown
      const total = breakdown.lockWaitMs + breakdown.lockHoldMs + breakdown.otherMs
      return COMPONENTS.map((component, order) => ({
        nodeClass: classLabel(c),
        path: PATH_LABEL[path],
        bar: `${classLabel(c)} · ${PATH_SHORT[path]}`,
        barOrder: classIndex * 2 + pathIndex,
        component: component.label,
        order,
        ms: breakdown[component.key],
        share: total > 0 ? breakdown[component.key] / total : 0,
      }))
    }),
  )
  return {
    ...baseSpec('Mean pod start time split into namespace_sem wait, namespace_sem hold and everything else, per class and path', rows),
    width: CHART_WIDTH,
    height: 24 * result.classes.length * PATHS.length,
    mark: {type: 'bar', tooltip: true},
    encoding: {
      y: {field: 'bar', type: 'nominal', title: null, sort: {field: 'barOrder', op: 'min'}, axis: {labelLimit: 220}},
      x: {field: 'ms', type: 'quantitative', stack: 'zero', title: 'Mean time per pod start (ms)'},
      color: {
        field: 'component',
        type: 'nominal',
        title: 'namespace_sem',
        legend: {columns: 2},
        scale: {domain: COMPONENTS.map((c) => c.label), range: COMPONENTS.map((c) => c.color)},
      },
      order: {field: 'order', type: 'quantitative'},
      tooltip: [
        {field: 'nodeClass', title: 'Node class'},
        {field: 'path', title: 'Path'},
        {field: 'component', title: 'Component'},
        {field: 'ms', title: 'Mean (ms)', format: ',.1f'},
        {field: 'share', title: 'Share', format: '.0%'},
      ],
    },
  } as TopLevelSpec
}
