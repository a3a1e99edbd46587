import type {KernelModel, LinearCost} from '../model/schema.js'
import {costAtNs} from '../model/linear-cost.js'
import {medianNs} from '../stats/fit.js'
import {roundTo} from '../stats/round.js'

/**
 * Has the machine's kernel speed moved since the model was measured? On a shared VM the cost of
 * the same mount-table copy moves by up to half between runs minutes apart (docs/calibrate.md,
 * "Repeatability after the pivot, order and mountinfo changes"), with nothing else running, and every mount-heavy prediction moves with it.
 * validate times the copy (unshare(CLONE_NEWNS) over ~4,000 mounts, the probe's legacy
 * experiment) before and after its cells and sets it beside the model's copy cost at the same M,
 * so a cell that misses because the machine changed speed says so. The model itself is never
 * rescaled; `atKernelSpeed` makes a second prediction per cell, at its own stamp, beside the first.
 */
export interface SpeedCheck {
  /** Mounts in the namespace the copies ran in. */
  mounts: number
  /** CPU ns per mount of the copy: the model's at this M, and measured before and after the cells. */
  modelNsPerMount: number
  beforeNsPerMount: number
  afterNsPerMount: number
  /** Measured (mean of before and after) ÷ model. */
  ratio: number
  /** Beyond ±SPEED_TOLERANCE: predictions of mount-heavy cells are off by about this much for this reason alone. */
  drifted: boolean
  line: string
}

/** Beyond this relative difference between the measured and the modelled copy, the check warns. */
export const SPEED_TOLERANCE = 0.1

/**
 * One cell's speed stamp: the median of a few copies timed just before the cell, per mount, ÷
 * the model's copy cost at that M (below 1: the machine runs faster than the model). validate
 * prints it beside each cell, so a cell measured in a faster or slower spell than the
 * calibration says so instead of reading as a model error.
 */
export function copySpeedRatio(copy: LinearCost, mounts: number, copiesNs: readonly number[]): number {
  if (!(mounts > 0)) throw new RangeError(`copySpeedRatio: mounts must be positive, got ${mounts}`)
  return roundTo(medianNs(copiesNs) / costAtNs(copy, mounts), 3)
}

/** The check from the copy samples (CPU ns per copy of `mounts` mounts) taken before and after the cells. */
export function speedCheck(copy: LinearCost, mounts: number, beforeNs: readonly number[], afterNs: readonly number[]): SpeedCheck {
  if (!(mounts > 0)) throw new RangeError(`speedCheck: mounts must be positive, got ${mounts}`)
  const perMount = (ns: number) => roundTo(ns / mounts, 1)
  const modelNsPerMount = perMount(costAtNs(copy, mounts))
  const beforeNsPerMount = perMount(medianNs(beforeNs))
  const afterNsPerMount = perMount(medianNs(afterNs))
  const ratio = roundTo((beforeNsPerMount + afterNsPerMount) / 2 / modelNsPerMount, 3)
  const drifted = Math.abs(ratio - 1) > SPEED_TOLERANCE
  const verdict = drifted
    ? `this machine now runs the kernel's mount work ${ratio < 1 ? 'faster' : 'slower'} than when the model was measured, so mount-heavy cells are predicted ${ratio < 1 ? 'high' : 'low'} by up to about ${Math.round(Math.abs(1 / ratio - 1) * 100)}% for that reason alone; recalibrate on this machine (densityplan calibrate) and validate again`
    : `within ±${SPEED_TOLERANCE * 100}% of the model`
  return {
    mounts,
    modelNsPerMount,
    beforeNsPerMount,
    afterNsPerMount,
    ratio,
    drifted,
    line: `kernel speed check: copy of ${mounts} mounts ${beforeNsPerMount} ns/mount before the cells and ${afterNsPerMount} after, model ${modelNsPerMount} (×${ratio}): ${verdict}`,
  }
}

/**
 * For `validate --fail-above`: the model's copy cost against this machine's, as a relative error
 * of the model, from whichever of the two measurements (before and after the cells) is nearer
 * the model, so drift between them is not counted against it. A copy cost that is off by more
 * than the limit is a wrong model for this machine whatever the cells say: the cells mix the copy
 * with every other cost, and a model that is low elsewhere can hide it there (a copy cost tripled
 * showed as +30 % at M = 6,023, C = 1, 2026-11-30).
 */
export function copyCostError(check: Pick<SpeedCheck, 'modelNsPerMount' | 'beforeNsPerMount' | 'afterNsPerMount'>): number {
  const errorAgainst = (measured: number) => check.modelNsPerMount / measured - 1
  const before = errorAgainst(check.beforeNsPerMount)
  const after = errorAgainst(check.afterNsPerMount)
  return Math.abs(before) <= Math.abs(after) ? before : after
}

/** Linear costs of the kernel's own syscall work (under namespace_sem or in open_tree), the kind of work the copy stamp times. */
const KERNEL_LINEAR_COSTS = ['copy', 'chtype', 'pivot', 'umount', 'teardown', 'mountinfoChunk', 'otn', 'dclone'] as const
/** Constant costs of the same kind (one short write section each). */
const KERNEL_FIXED_COSTS = ['attach', 'propPerPeer', 'moveAttach'] as const

/**
 * The model with its kernel syscall costs (KERNEL_LINEAR_COSTS, KERNEL_FIXED_COSTS) times `ratio`,
 * a cell's copy-speed stamp: what the model predicts if all of the kernel's mount work ran at the
 * speed the copy ran at just before the cell. The runtime's overhead, grace periods, wake-ups and
 * the contention curve are left alone (other kinds of work, which the copy does not time; and the
 * kernel's kinds of work do not always drift together: docs/calibrate.md, "Short experiments in
 * parts spread over the run"). Constant costs given in whole ns stay whole (they are section holds).
 */
export function atKernelSpeed(model: KernelModel, ratio: number): KernelModel {
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new RangeError(`atKernelSpeed: ratio must be a positive number, got ${ratio}`)
  const costs = {...model.costs}
  for (const name of KERNEL_LINEAR_COSTS) {
    const c = costs[name]
    costs[name] = {...c, fixedNs: c.fixedNs * ratio, perUnitNs: c.perUnitNs * ratio}
  }
  for (const name of KERNEL_FIXED_COSTS) {
    const c = costs[name]
    // A whole-ns cost is a section's hold (attach, moveAttach), which must stay whole.
    costs[name] = {...c, ns: Number.isInteger(c.ns) ? Math.round(c.ns * ratio) : c.ns * ratio}
  }
  return {...model, costs}
}
