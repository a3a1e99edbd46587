import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, PATH_COLOR_SCALE, PATH_LABEL, PATHS, baseSpec, classLabel, classSelector} from './common.js'

/** The empirical CDF of pod start latency at today's density and burst, both paths, per class. */
export function latencyCdfSpec(result: AnalysisResult): TopLevelSpec {
  const select = classSelector(result)
  const rows = result.classes.flatMap((c) =>
    PATHS.flatMap((path) =>
      c.results[path].today.cdf.map((point) => ({
        nodeClass: classLabel(c),
        path: PATH_LABEL[path],
        ms: point.ms,
        share: point.q,
        podsPerNode: c.results[path].today.podsPerNode,
        burstPods: c.results[path].today.burstPods,
      })),
    ),
  )
  const sloMs = result.settings.sloMs
  return {
    ...baseSpec("Distribution (CDF) of pod start latency at today's density, both kernel paths", rows),
    params: select.params,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {
        transform: select.filter,
        mark: {type: 'line', interpolate: 'step-after', strokeWidth: 2},
        encoding: {
          x: {field: 'ms', type: 'quantitative', title: 'Pod start latency (ms)'},
          y: {field: 'share', type: 'quantitative', title: 'Share of pods started', axis: {format: '%'}, scale: {domain: [0, 1]}},
          color: {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE},
          tooltip: [
            {field: 'nodeClass', title: 'Node class'},
            {field: 'path', title: 'Path'},
            {field: 'share', title: 'Quantile', format: '.1%'},
            {field: 'ms', title: 'Latency (ms)', format: ',.0f'},
            {field: 'podsPerNode', title: 'Pods/node'},
            {field: 'burstPods', title: 'Burst (pods)'},
          ],
        },
      },
      {
        data: {values: [{sloMs, label: `SLO ${sloMs.toLocaleString('en-US')} ms`}]},
        mark: {type: 'rule', color: '#b42318', strokeDash: [6, 4], strokeWidth: 1.5},
        encoding: {x: {field: 'sloMs', type: 'quantitative'}, tooltip: [{field: 'label', title: 'SLO'}]},
      },
      {
        data: {values: [{q: 0.99, label: 'p99'}]},
        mark: {type: 'rule', color: '#aab3bf', strokeDash: [2, 3]},
        encoding: {y: {field: 'q', type: 'quantitative'}, tooltip: [{field: 'label', title: 'Level'}]},
      },
    ],
  } as TopLevelSpec
}
