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
  // Every (density, burst) pair of the grid, including the ones where the burst is larger than the
  // node's pods: those cannot happen, are not simulated, and are drawn grey with that reason.
  const rows = result.classes.flatMap((c) =>
    PATHS.flatMap((path) => {
      const grid = c.results[path].burstGrid
      const densities = [...new Set(grid.map((g) => g.podsPerNode))]
      const bursts = [...new Set([...result.settings.burstSizes, ...grid.map((g) => g.burstPods)])]
      return densities.flatMap((d) =>
        bursts.map((b) => {
          const cell = grid.find((g) => g.podsPerNode === d && g.burstPods === b)
          return {
            nodeClass: classLabel(c),
            path: PATH_LABEL[path],
            podsPerNode: d,
            burstPods: b,
            p99Ms: cell ? cell.p99Ms : null,
            overSlo: !cell ? 'not simulated: burst larger than the pods on the node' : cell.p99Ms > sloMs ? 'over the SLO' : 'within the SLO',
          }
        }),
      )
    }),
  )
  // The colour scale spans the data: from the smallest to the largest simulated p99, with the SLO
  // and both ends labelled on the legend.
  const values = rows.flatMap((r) => (r.p99Ms === null ? [] : [r.p99Ms]))
  const lo = Math.floor(Math.min(...values, sloMs) / 100) * 100
  const hi = Math.ceil(Math.max(...values, sloMs) / 100) * 100
  return {
    ...baseSpec('Heatmap of p99 pod start latency by burst size and pods per node, per kernel path', rows, 'fixed'),
    params: select.params,
    transform: select.filter,
    facet: {column: {field: 'path', type: 'nominal', title: null, sort: PATHS.map((p) => PATH_LABEL[p])}},
    resolve: {scale: {color: 'shared'}},
    spec: {
      width: 440,
      height: 180,
      // 'show' keeps the not-simulated cells (p99 null), which the colour condition paints grey.
      mark: {type: 'rect', strokeWidth: 1.5, invalid: 'show'},
      encoding: {
        x: {field: 'podsPerNode', type: 'ordinal', title: 'Pods per node (ordinal: columns are not to scale)', axis: {labelAngle: 0}},
        y: {field: 'burstPods', type: 'ordinal', title: 'Pods started at once', sort: 'descending'},
        color: {
          condition: {test: 'datum.p99Ms === null', value: '#eef1f4'},
          field: 'p99Ms',
          type: 'quantitative',
          title: `p99 (ms); outlined: over the ${sloMs.toLocaleString('en-US')} ms SLO`,
          scale: {type: 'linear', domain: [lo, hi], scheme: 'orangered', clamp: true},
          legend: {values: [...new Set([lo, sloMs, hi])].sort((a, b) => a - b), format: ',.0f', gradientLength: 320},
        },
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
