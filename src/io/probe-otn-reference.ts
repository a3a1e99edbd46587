import {readFileSync} from 'node:fs'
import {basename} from 'node:path'
import {median, quantile} from 'simple-statistics'
import {InputError} from '../errors/errors.js'

/** How OPEN_TREE_NAMESPACE compares with the OPEN_TREE_CLONE stand-in on a real 7.x kernel. */
export interface OtnReference {
  file: string
  kernel: string
  /** median over cells of (otn p50 − baseline p50) / (otc p50 − baseline p50). */
  ratio: number
  ratioP25: number
  ratioP75: number
  cells: number
}

const REQUIRED = ['kernel', 'op', 'M', 'k', 'repeat', 'p50_us', 'baseline_p50_us'] as const

/**
 * Reads single-operation timings from a real OTN kernel (CSV: kernel,op,M,k,…,p50_us,…,
 * baseline_p50_us) and derives the OTN/stand-in cost ratio. Only ratios are used: the reference
 * ran on an emulated CPU, so its microseconds do not transfer, but both ops ran on the same
 * kernel and CPU, so their ratio does. fork/exit (baseline) is subtracted from both first.
 */
export function readOtnReference(path: string): OtnReference {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new InputError(
      `cannot read --otn-reference ${path}: ${(err as Error).message}`,
      'pass the single-op CSV measured on a Linux >= 7.0 kernel (e.g. linux-7.1-otn/single-op-7.1.5.csv)',
    )
  }
  return otnRatioFromCsv(text, basename(path))
}

export function otnRatioFromCsv(text: string, source: string): OtnReference {
  const [head, ...rows] = text.trim().split(/\r?\n/)
  const cols = (head ?? '').split(',')
  const missing = REQUIRED.filter((c) => !cols.includes(c))
  if (missing.length) throw new InputError(`${source}: missing column(s) ${missing.join(', ')}`, `the header must include ${REQUIRED.join(',')}`)
  const at = (r: string[], c: string) => r[cols.indexOf(c)] ?? ''
  const cells = new Map<string, {otn?: number; otc?: number; base?: number}>()
  let kernel = ''
  for (const line of rows) {
    const r = line.split(',')
    const op = at(r, 'op')
    const key = `${at(r, 'M')}/${at(r, 'k')}/${at(r, 'repeat')}`
    const cell = cells.get(key) ?? {}
    cell.base = Number(at(r, 'baseline_p50_us'))
    if (op === 'otn' || op === 'otc') cell[op] = Number(at(r, 'p50_us'))
    cells.set(key, cell)
    kernel ||= at(r, 'kernel')
  }
  const ratios: number[] = []
  for (const c of cells.values()) {
    if (c.otn === undefined || c.otc === undefined || c.base === undefined) continue
    const otn = c.otn - c.base
    const otc = c.otc - c.base
    if (otn > 0 && otc > 0) ratios.push(otn / otc)
  }
  if (ratios.length < 3)
    throw new InputError(
      `${source}: only ${ratios.length} cells have both otn and otc rows above baseline`,
      'pass a CSV with otn, otc and baseline rows for several (M, k) cells',
    )
  const [p25, p75] = quantile(ratios, [0.25, 0.75]) as number[]
  return {file: source, kernel, ratio: median(ratios), ratioP25: p25!, ratioP75: p75!, cells: ratios.length}
}
