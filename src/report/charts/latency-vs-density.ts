import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult} from '../../domain/analysis.js'
import {CHART_HEIGHT, CHART_WIDTH, PATH_COLOR_SCALE, PATH_LABEL, PATHS, baseSpec, classLabel, classSelector} from './common.js'

/** One row per class × path × sweep point × quantile: the long form Vega-Lite layers want. */
export function latencySweepRows(result: AnalysisResult): object[] {
  return result.classes.flatMap((c) =>
    PATHS.flatMap((path) =>
      c.results[path].sweep.flatMap((s) => [
        {
          nodeClass: classLabel(c),
          path: PATH_LABEL[path],
          quantile: 'p50',
          podsPerNode: s.podsPerNode,
          burstPods: s.burstPods,
          ms: s.p50Ms,
          loMs: s.p50Ci95[0],
          hiMs: s.p50Ci95[1],
        },
        {
          nodeClass: classLabel(c),
          path: PATH_LABEL[path],
          quantile: 'p99',
          podsPerNode: s.podsPerNode,
          burstPods: s.burstPods,
          ms: s.p99Ms,
          loMs: s.p99Ci95[0],
          hiMs: s.p99Ci95[1],
        },
      ]),
    ),
  )
}

/**
 * A linear axis fitted to the data: the sweep stops once p99 passes 3 × the SLO
 * (analyze-class.ts), so the values span one order of magnitude at most, and a log axis padded
 * to 100,000 ms only pushed the curves together. The domain runs from 0 to the largest value
 * drawn (CI bands and the SLO included), so the SLO line is always on the chart.
 */
function yScale(result: AnalysisResult): {domain: [number, number]; nice: boolean; zero: boolean} {
  const max = Math.max(
    result.settings.sloMs,
    ...result.classes.flatMap((c) => PATHS.flatMap((p) => c.results[p].sweep.map((s) => Math.max(s.p99Ci95[1], s.p99Ms)))),
  )
  return {domain: [0, Math.ceil((max * 1.05) / 1000) * 1000], nice: false, zero: true}
}

/**
 * p50 and p99 pod start vs pods per node for both paths: lines with their 95% CI bands and the
 * SLO as a horizontal rule. One node class at a time (dropdown) so bands don't overlap.
 */
export function latencyVsDensitySpec(result: AnalysisResult): TopLevelSpec {
  const select = classSelector(result)
  const x = {field: 'podsPerNode', type: 'quantitative', title: 'Pods per node', scale: {zero: false}} as const
  const color = {field: 'path', type: 'nominal', title: 'Container start path', scale: PATH_COLOR_SCALE} as const
  const yScaleDef = yScale(result)
  return {
    ...baseSpec('p50 and p99 pod start latency vs pods per node, legacy and OTN paths, with 95% CIs and the SLO', latencySweepRows(result)),
    params: select.params,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      {
        transform: [...select.filter, {filter: 'datum.ms > 0 && datum.loMs > 0'}],
        layer: [
          {
            mark: {type: 'line', point: {size: 28}, strokeWidth: 2},
            encoding: {
              x,
              y: {field: 'ms', type: 'quantitative', title: 'Pod start latency (ms)', scale: yScaleDef, axis: {format: ',.0f'}},
              color,
              strokeDash: {
                field: 'quantile',
                type: 'nominal',
                scale: {
                  domain: ['p50', 'p99'],
                  range: [
                    [4, 3],
                    [1, 0],
                  ],
                },
                legend: null,
              },
              tooltip: [
                {field: 'nodeClass', title: 'Node class'},
                {field: 'path', title: 'Path'},
                {field: 'quantile', title: 'Quantile'},
                {field: 'podsPerNode', title: 'Pods/node'},
                {field: 'burstPods', title: 'Burst (pods)'},
                {field: 'ms', title: 'Latency (ms)', format: ',.0f'},
                {field: 'loMs', title: 'CI low (ms)', format: ',.0f'},
                {field: 'hiMs', title: 'CI high (ms)', format: ',.0f'},
              ],
            },
          },
          {
            mark: {type: 'area', opacity: 0.16},
            encoding: {x, y: {field: 'loMs', type: 'quantitative', scale: yScaleDef}, y2: {field: 'hiMs'}, color, detail: {field: 'quantile'}},
          },
        ],
      },
      sloRule(result.settings.sloMs),
    ],
  } as TopLevelSpec
}

/** The SLO as a dashed horizontal rule with a label, drawn from its own one-row data set. */
export function sloRule(sloMs: number): object {
  return {
    data: {values: [{sloMs, label: `SLO p99 ≤ ${formatSeconds(sloMs)}`}]},
    layer: [
      {
        mark: {type: 'rule', color: '#b42318', strokeDash: [6, 4], strokeWidth: 1.5},
        encoding: {y: {field: 'sloMs', type: 'quantitative'}, tooltip: [{field: 'label', title: 'SLO'}]},
      },
      {
        mark: {type: 'text', align: 'left', dx: 4, dy: -7, color: '#b42318', fontSize: 11},
        encoding: {y: {field: 'sloMs', type: 'quantitative'}, x: {value: 0}, text: {field: 'label'}},
      },
    ],
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
