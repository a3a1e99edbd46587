/**
 * The accuracy measure issue 9 set for the model's mount- and concurrency-dependent work: a
 * cell's p50 minus the reference cell's (M≈0, C=1: the runtime's fixed cost, which `--overhead
 * run` fits by construction), predicted against measured. A whole-p50 error hides a wrong slope
 * behind the fixed overhead at small M and overstates a small one at large M; this one does not.
 */
export const MOUNT_PART_TARGET = {p50: 0.2, p99: 0.25}

interface CellFigures {
  mounts: number
  concurrency: number
  extraThreads: number
  overheadCell: boolean
  measuredMs: {p50: number; p99: number}
  predictedMs: {p50: number; p99: number}
  relativeError: {p50: number; p99: number}
  /** Whether the predictions lie inside the measured 95 % intervals (validate-noise.ts). */
  predictedInsideCi?: {p50: boolean; p99: boolean}
}

/** Parts smaller than this share of the reference p50 (or 1 ms) are noise, not a slope to compare. */
const MIN_PART_SHARE = 0.1

/**
 * Per cell: (predicted p50 − reference predicted p50) ÷ (measured p50 − reference measured p50)
 * − 1, or null for the reference cell and cells whose measured part is too small to compare.
 * The reference is the overhead cell, else the C=1 cell with the fewest mounts and extra threads.
 */
export function mountPartErrors(cells: readonly CellFigures[]): Array<number | null> {
  const ref = reference(cells)
  if (!ref) return cells.map(() => null)
  const minPart = Math.max(1, MIN_PART_SHARE * ref.measuredMs.p50)
  return cells.map((c) => {
    if (c === ref) return null
    const measured = c.measuredMs.p50 - ref.measuredMs.p50
    if (measured < minPart) return null
    return (c.predictedMs.p50 - ref.predictedMs.p50) / measured - 1
  })
}

/** One line: how many comparable cells meet the mount-part p50 and the p99 target. */
export function mountPartVerdict(cells: readonly CellFigures[], errors: ReadonlyArray<number | null>): string {
  const judged = cells.map((c, i) => ({c, e: errors[i]})).filter((x): x is {c: CellFigures; e: number} => x.e !== null && x.e !== undefined)
  const partOk = judged.filter((x) => Math.abs(x.e) <= MOUNT_PART_TARGET.p50)
  const ok = partOk.filter((x) => Math.abs(x.c.relativeError.p99) <= MOUNT_PART_TARGET.p99)
  // Cells whose only miss is a p99 their own starts cannot tell from the prediction.
  const p99Noise = partOk.filter((x) => Math.abs(x.c.relativeError.p99) > MOUNT_PART_TARGET.p99 && x.c.predictedInsideCi?.p99 === true).length
  const pct = (v: number) => `±${Math.round(v * 100)}%`
  const noise = p99Noise > 0 ? `; ${p99Noise} more miss only on a p99 predicted inside the measured 95% interval` : ''
  return `mount-dependent part of p50 (minus the M≈0, C=1 cell) within ${pct(MOUNT_PART_TARGET.p50)} and p99 within ${pct(MOUNT_PART_TARGET.p99)}: ${ok.length} of ${judged.length} comparable cells${noise}`
}

function reference(cells: readonly CellFigures[]): CellFigures | undefined {
  const marked = cells.find((c) => c.overheadCell)
  if (marked) return marked
  return cells.filter((c) => c.concurrency === 1).sort((a, b) => a.mounts - b.mounts || a.extraThreads - b.extraThreads)[0]
}
