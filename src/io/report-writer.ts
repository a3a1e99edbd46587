import {existsSync} from 'node:fs'
import {extname} from 'node:path'
import {AnalysisResultSchema, type AnalysisResult} from '../domain/analysis.js'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'
import type {RenderedOutputs, ReportFormat} from '../report/index.js'
import {commitStaged, discardStaged, stageFile, type StagedFile} from './atomic-write.js'
import {MAX_INPUT_BYTES, readBounded} from './bounded-read.js'

const EXTENSION: Record<ReportFormat, string> = {html: '.html', json: '.json', csv: '.csv', md: '.md', prom: '.prom'}

/**
 * Where each format goes. One format: exactly `out`. Several: `out` without its extension (when
 * that extension is one of the formats') plus each format's extension, so `--out plan.html
 * --format html,json` writes plan.html and plan.json.
 */
export function reportPaths(out: string, formats: readonly ReportFormat[]): Array<{format: ReportFormat; path: string}> {
  if (formats.length === 1) return [{format: formats[0]!, path: out}]
  const ext = extname(out)
  const base = Object.values(EXTENSION).includes(ext.toLowerCase()) ? out.slice(0, -ext.length) : out
  return formats.map((format) => ({format, path: `${base}${EXTENSION[format]}`}))
}

export interface WrittenFile {
  format: ReportFormat
  path: string
  bytes: number
}

/**
 * Writes the requested formats: every format to a temp file first, then all get their final
 * names together, so a failure in between leaves no partial set (which would block the rerun
 * without --force). Checks every target first, so the error lists every file in the way.
 */
export async function writeReportFiles(
  outputs: RenderedOutputs,
  out: string,
  formats: readonly ReportFormat[],
  opts: {force?: boolean} = {},
): Promise<WrittenFile[]> {
  const targets = reportPaths(out, formats)
  const existing = targets.filter((t) => t.path !== '' && existsSync(t.path)).map((t) => t.path)
  if (existing.length && !opts.force) {
    throw new InputError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}`,
      'pass --force to overwrite, or choose another path with --out',
    )
  }
  const written: WrittenFile[] = []
  const staged: StagedFile[] = []
  try {
    for (const {format, path} of targets) {
      const text = outputs[format]
      if (text === undefined) throw new Error(`writeReportFiles: ${format} was not rendered`)
      staged.push(await stageFile(path, (fh) => fh.writeFile(text), {force: opts.force}))
      written.push({format, path, bytes: Buffer.byteLength(text)})
    }
  } catch (err) {
    await discardStaged(staged)
    throw err
  }
  await commitStaged(staged, {force: opts.force})
  return written
}

/** Reads a saved analysis result; any problem is one line naming the file and the field. */
export async function readResultFile(path: string): Promise<AnalysisResult> {
  let raw: unknown
  try {
    raw = JSON.parse((await readBounded(path, MAX_INPUT_BYTES.result, 'results file')).toString('utf8'))
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `is not JSON (${(err as Error).message})`
    throw new InputError(`results file ${path} ${why}`, 'pass the JSON written by `densityplan analyze --format json --out FILE`')
  }
  const parsed = AnalysisResultSchema.safeParse(raw)
  if (!parsed.success) {
    throw new InputError(
      describeSchemaError(path, parsed.error),
      'pass an unmodified results file from `densityplan analyze --format json` of this densityplan version',
    )
  }
  return parsed.data
}
