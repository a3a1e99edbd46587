import {InputError} from '../errors/errors.js'
import type {KernelPath} from '../domain/analysis.js'
import type {KernelModel} from './schema.js'

/**
 * Picks the model to use for a start path when the user names none: among the candidates whose
 * `path` field matches, the one measured most recently (`provenance.date`); equal dates fall
 * back to the lexically greatest id, so the choice never depends on directory order.
 * The caller (src/io/model-file.ts) supplies the shipped models; this stays pure.
 */
export function defaultModelFor<T extends {model: KernelModel}>(candidates: readonly T[], path: KernelPath): T {
  const matching = candidates.filter((c) => c.model.path === path)
  if (matching.length === 0) {
    const flag = path === 'legacy' ? '--model' : '--otn-model'
    throw new InputError(
      `no shipped kernel model for the ${path} path`,
      `pass ${flag} FILE (densityplan calibrate writes one), or reinstall densityplan to restore models/`,
    )
  }
  return [...matching].sort(newestFirst)[0]!
}

function newestFirst(a: {model: KernelModel}, b: {model: KernelModel}): number {
  const da = measuredAtMs(a.model)
  const db = measuredAtMs(b.model)
  if (da !== db) return db - da
  return a.model.id < b.model.id ? 1 : a.model.id > b.model.id ? -1 : 0
}

/** Measurement time in ms since the epoch; an unparseable date sorts as the oldest. */
export function measuredAtMs(model: KernelModel): number {
  const t = Date.parse(model.provenance.date)
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t
}
