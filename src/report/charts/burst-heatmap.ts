import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {PATH_LABEL, PATHS, baseSpec, classLabel, classSelector} from './common.js'

/**
 * p99 pod start over burst size × pods per node, one panel per path, for one class at a time.
 * Cells over the SLO are outlined so the boundary reads without decoding the colour scale.
 */
export function burstHeatmapSpec(result: AnalysisResult): TopLevelSpec {
  const select = classSelector(result)
  const sloMs = result.settings.sloMs
  const rows = result.classes.flatMap((c) =>
    PATHS.flatMap((path) =>
      c.results[path].burstGrid.map((cell) => ({
        nodeClass: classLabel(c), path: PATH_LABEL[path], podsPerNode: cell.podsPerNode, burstPods: cell.burstPods,
        p99Ms: cell.p99Ms, overSlo: cell.p99Ms > sloMs ? 'over the SLO' : 'within the SLO',
      })),
    ),
  )
  return {
    ...baseSpec('Heatmap of p99 pod start latency by burst size and pods per node, per kernel path', rows, 'fixed'),
    params: select.params,
    transform: select.filter,
    facet: {column: {field: 'path', type: 'nominal', title: null, sort: PATHS.map((p) => PATH_LABEL[p])}},
    resolve: {scale: {color: 'shared'}},
    spec: {
      width: 440,
      height: 180,
      mark: {type: 'rect', strokeWidth: 1.5},
      encoding: {
        x: {field: 'podsPerNode', type: 'ordinal', title: 'Pods per node', axis: {labelAngle: 0}},
        y: {field: 'burstPods', type: 'ordinal', title: 'Pods started at once', sort: 'descending'},
        color: {field: 'p99Ms', type: 'quantitative', title: 'p99 (ms)', scale: {type: 'symlog', scheme: 'orangered'}},
        stroke: {condition: {test: `datum.p99Ms > ${sloMs}`, value: '#1d2430'}, value: null},
        tooltip: [
          {field: 'nodeClass', title: 'Node class'},
          {field: 'path', title: 'Path'},
          {field: 'podsPerNode', title: 'Pods/node'},
          {field: 'burstPods', title: 'Burst (pods)'},
          {field: 'p99Ms', title: 'p99 (ms)', format: ',.0f'},
          {field: 'overSlo', title: 'SLO'},
        ],
      },
    },
  } as TopLevelSpec
}
