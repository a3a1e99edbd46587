import {InputError} from '../errors/errors.js'
import {loadReportAssets} from '../io/report-assets.js'
import {readResultFile, writeReportFiles, type WrittenFile} from '../io/report-writer.js'
import {REPORT_FORMATS, renderOutputs, type ReportFormat} from '../report/index.js'

export interface ReportRequest {
  input: string
  out: string
  formats: ReportFormat[]
  force: boolean
}

export interface ReportSummary {
  input: string
  files: WrittenFile[]
  cluster: string
  verdict: string
  headline: string
  /** Set when the input is one shard of a split run: the report then covers only its classes. */
  partial: boolean
}

/** `densityplan report`: validate a saved result, render the requested formats, write them atomically. */
export async function renderReport(request: ReportRequest): Promise<ReportSummary> {
  const result = await readResultFile(request.input)
  if (result.classes.length === 0) {
    // A shard may hold no class (shard 5/8 of 3 classes); it is for --merge, not a report whose headline has nothing behind it.
    throw new InputError(
      `results file ${request.input}: classes: the result holds no node classes, so there is nothing to report`,
      'pass the JSON of a whole analyze run (or merge the shards first with analyze --merge)',
    )
  }
  const assets = request.formats.includes('html') ? await loadReportAssets() : undefined
  const outputs = renderOutputs(result, request.formats, assets)
  const files = await writeReportFiles(outputs, request.out, request.formats, {force: request.force})
  return {
    input: request.input,
    files,
    cluster: result.cluster.name,
    verdict: result.overall.verdict,
    headline: result.overall.headline,
    partial: result.shard !== undefined,
  }
}

/** `--format html,md` → validated, de-duplicated formats in the order given. */
export function parseFormats(value: string): ReportFormat[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  const unknown = names.filter((n) => !(REPORT_FORMATS as readonly string[]).includes(n))
  if (unknown.length || names.length === 0) {
    throw new InputError(
      `--format ${JSON.stringify(value)}: ${unknown.length ? `unknown format ${unknown.join(', ')}` : 'no format given'}`,
      `use a comma-separated list of ${REPORT_FORMATS.join(', ')}, e.g. --format html,json`,
    )
  }
  return [...new Set(names)] as ReportFormat[]
}
