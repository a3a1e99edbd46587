import type {KernelModel} from '../model/schema.js'
import type {ContentionPoint} from '../sim/cpu-contention.js'

/**
 * Which CPU-contention curve a node class is simulated with (docs/model.md, "CPU contention").
 *
 * The models carry a curve measured with P = 1..N busy cores on an N-core machine (calibrate's
 * fork+exec loops). What it says about a node with another core count is unknown: both vCPUs of a
 * 2-vCPU VM slowing each other 2.4× (hyperthread siblings, a noisy host) is no evidence that
 * 2 of 16 cores — or 16 of 16 — slow each other as much. So:
 * - `measured` (default): the curve applies to a class whose core count equals the measured
 *   machine's; any other class runs with no contention (the curve supports none there).
 * - `none`: no class has contention (the optimistic end).
 * - `scaled`: the curve is stretched by busy fraction b/cores onto every core count (the earlier
 *   behaviour, kept as the pessimistic end for the sensitivity panel).
 */
export const CONTENTION_MODES = ['measured', 'none', 'scaled'] as const
export type ContentionMode = (typeof CONTENTION_MODES)[number]
export const DEFAULT_CONTENTION: ContentionMode = 'measured'

export interface ContentionChoice {
  mode: ContentionMode
  /** Cores of the machine the model's curve was measured on; null when the model has none. */
  measuredCores: number | null
  /** Whether the simulation of this class slows CPU work down by busy cores. */
  applied: boolean
  /** One sentence for the report: which curve, and why. */
  note: string
}

/** The curve a class with `cores` cores is simulated with under `mode`, and why. */
export function chooseContention(
  points: readonly ContentionPoint[] | undefined,
  cores: number,
  mode: ContentionMode,
): ContentionChoice & {points: readonly ContentionPoint[] | undefined} {
  const measuredCores = points && points.length > 0 ? points[points.length - 1]!.busyCores : null
  const at = measuredCores === null ? '' : ` (slowdown ${points!.at(-1)!.slowdown}× with all ${measuredCores} cores busy)`
  if (measuredCores === null) return {mode, measuredCores, applied: false, points: undefined, note: 'the model has no CPU-contention curve: none simulated'}
  if (mode === 'none')
    return {
      mode,
      measuredCores,
      applied: false,
      points: undefined,
      note: `contention off (--contention none); the model's curve was measured on ${measuredCores} cores${at}`,
    }
  if (mode === 'scaled') {
    return {
      mode,
      measuredCores,
      applied: true,
      points,
      note: `curve measured on ${measuredCores} cores${at} stretched onto ${cores} cores by busy fraction (--contention scaled, pessimistic)`,
    }
  }
  if (measuredCores === cores)
    return {mode, measuredCores, applied: true, points, note: `curve measured on a ${cores}-core machine${at}, the same core count as this class`}
  return {
    mode,
    measuredCores,
    applied: false,
    points: undefined,
    note: `no contention: the curve was measured on ${measuredCores} cores, not ${cores}, and says nothing about this core count (calibrate on a node of this class to measure it)`,
  }
}

/** `model` with the contention curve chosen for `cores` (the same object when nothing changes). */
export function withContention(model: KernelModel, cores: number, mode: ContentionMode): KernelModel {
  const choice = chooseContention(model.costs.cpuContention?.points, cores, mode)
  if (choice.points === model.costs.cpuContention?.points) return model
  const {cpuContention: _dropped, ...costs} = model.costs
  return {...model, costs}
}
