import type {AnalysisResult} from '../domain/analysis.js'
import {renderCsv} from './csv.js'
import {forDisplay} from './display-names.js'
import {renderHtml} from './html.js'
import {renderJson} from './json.js'
import {renderMarkdown} from './markdown.js'
import {renderOpenMetrics} from './openmetrics.js'
import type {ReportAssets} from './page-shell.js'

export type ReportFormat = 'html' | 'json' | 'csv' | 'md' | 'prom'
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'json', 'csv', 'md', 'prom']
export type {ReportAssets} from './page-shell.js'

export interface RenderedOutputs {
  json: string
  html?: string
  csv?: string
  md?: string
  /** OpenMetrics text (openmetrics.ts). */
  prom?: string
}

/**
 * Renders the requested formats from one result. Pure: the edge reads the vega bundles and
 * passes them in (`assets`, needed only for html). JSON is always produced (it is the
 * machine-readable record the others are derived from).
 */
export function renderOutputs(result: AnalysisResult, formats: readonly ReportFormat[], assets?: ReportAssets): RenderedOutputs {
  const out: RenderedOutputs = {json: renderJson(result)}
  if (formats.includes('html')) {
    if (!assets) throw new Error('renderOutputs: html needs the vega bundles (assets); load them with loadReportAssets()')
    out.html = renderHtml(forDisplay(result), assets)
  }
  if (formats.includes('csv')) out.csv = renderCsv(result)
  if (formats.includes('md')) out.md = renderMarkdown(forDisplay(result))
  if (formats.includes('prom')) out.prom = renderOpenMetrics(result)
  return out
}
