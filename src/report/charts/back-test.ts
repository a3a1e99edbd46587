import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, baseSpec, classLabel} from './common.js'

/**
 * Back-test chart: per back-tested class, the observed cumulative histogram (grey steps: share of
 * observed starts at or below each bound, the way a Prometheus histogram counts) and the simulated
 * CDF of today at the same bounds (line). Where the line runs along the step tops, the simulation
 * of today reproduces what the nodes observe.
 */
export function backTestSpec(result: AnalysisResult): TopLevelSpec {
  const tested = result.classes.filter((c) => c.backTest)
  const labels = tested.map(classLabel)
  const rows = tested.flatMap((c) => c.backTest!.cdf.map((p) => ({nodeClass: classLabel(c), leMs: p.leMs, observed: p.observed, simulated: p.simulated})))
  const select =
    labels.length > 1
      ? {
          params: [{name: 'backTestClass', value: labels[0], bind: {input: 'select', options: labels, name: 'Node class '}}],
          filter: [{filter: 'datum.nodeClass === backTestClass'}],
        }
      : {params: [], filter: []}
  const x = {field: 'leMs', type: 'quantitative' as const, title: 'Pod start latency (ms)'}
  const y = {type: 'quantitative' as const, title: 'Share of starts ≤ latency', axis: {format: '%'}, scale: {domain: [0, 1]}}
  return {
    ...baseSpec('Back-test: observed cumulative histogram of pod starts (grey steps) vs the simulated CDF of today (line), per class', rows),
    params: select.params,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    transform: select.filter,
    layer: [
      {
        mark: {type: 'area', interpolate: 'step-before', color: '#aab3bf', opacity: 0.6},
        encoding: {
          x,
          y: {...y, field: 'observed'},
          tooltip: [
            {field: 'nodeClass', title: 'Node class'},
            {field: 'leMs', title: '≤ ms', format: ',.0f'},
            {field: 'observed', title: 'Observed', format: '.1%'},
            {field: 'simulated', title: 'Simulated today', format: '.1%'},
          ],
        },
      },
      {
        mark: {type: 'line', color: '#1d2430', strokeWidth: 2, point: true, interpolate: 'monotone'},
        encoding: {x, y: {...y, field: 'simulated'}},
      },
    ],
  } as TopLevelSpec
}
