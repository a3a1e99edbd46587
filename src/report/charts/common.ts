import type {TopLevelSpec} from 'vega-lite'
import type {AnalysisResult, KernelPath, NodeClassResult} from '../../domain/analysis.js'

/** Names shown for the two container-start paths, everywhere in the report. */
export const PATH_LABEL: Record<KernelPath, string> = {
  legacy: 'Legacy (CLONE_NEWNS)',
  otn: 'OTN (open_tree, Linux ≥ 7.0)',
}

/** Short names for table cells and chart axes. */
export const PATH_SHORT: Record<KernelPath, string> = {
  legacy: 'legacy',
  otn: 'OTN',
}
export const PATHS: KernelPath[] = ['legacy', 'otn']

/** Same colours as the page's CSS (--legacy, --otn). */
export const PATH_COLOR_SCALE = {domain: PATHS.map((p) => PATH_LABEL[p]), range: ['#d9622b', '#2b6cb0']}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'

/** Theme shared by every chart: system fonts, quiet axes, legend on top. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  view: {stroke: '#d9dee5'},
  axis: {
    labelColor: '#5b6675',
    titleColor: '#1d2430',
    titleFontWeight: 600,
    gridColor: '#eef1f4',
    domainColor: '#aab3bf',
    tickColor: '#aab3bf',
    labelFontSize: 11,
    titleFontSize: 12,
  },
  legend: {orient: 'top', labelFontSize: 11, titleFontSize: 11, titleColor: '#5b6675', labelLimit: 260, symbolSize: 80},
  header: {labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12},
  title: {fontSize: 13, anchor: 'start', color: '#1d2430'},
} as const

/** Single-view charts fill their grid cell (vega-embed tracks the container's width). */
export const CHART_WIDTH = 'container'
export const CHART_HEIGHT = 260

/** The label a class goes by in charts and tables: its pool and stable id. */
export function classLabel(c: NodeClassResult): string {
  return c.id.startsWith(c.pool) ? c.id : `${c.pool} / ${c.id}`
}

/**
 * A dropdown that picks one node class, when there is more than one. Vega-Lite binds a
 * variable parameter to a <select>; charts filter their rows on it.
 */
export function classSelector(result: AnalysisResult): {params: NonNullable<TopLevelSpec['params']>; filter: {filter: string}[]} {
  const labels = result.classes.map(classLabel)
  if (labels.length < 2) return {params: [], filter: []}
  return {
    params: [{name: 'nodeClass', value: labels[0], bind: {input: 'select', options: labels, name: 'Node class '}}],
    filter: [{filter: 'datum.nodeClass === nodeClass'}],
  }
}

/**
 * A top-level spec with the shared schema, theme and inline data. Single views fit the container's
 * width (`fit-x`); faceted views can't, so they keep fixed panel sizes.
 */
export function baseSpec(
  description: string,
  values: object[],
  layout: 'fit-width' | 'fixed' = 'fit-width',
): Pick<TopLevelSpec, '$schema' | 'description' | 'config' | 'data' | 'autosize'> {
  return {
    $schema: VEGA_LITE_SCHEMA,
    description,
    config: CHART_CONFIG as TopLevelSpec['config'],
    data: {values},
    ...(layout === 'fit-width' ? {autosize: {type: 'fit-x', contains: 'padding'} as const} : {}),
  }
}
