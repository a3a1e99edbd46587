import type {LinearCost} from './schema.js'

/**
 * What a linear cost charges at input x, in ns (not rounded). Without a measured shape, the line
 * fixedNs + perUnitNs·x. With one (CostShapeSchema in src/model/schema.ts), the line times the
 * measured ratio at each measured input, joined by straight segments, so the cost passes through
 * the measured medians; outside the measured inputs, the line times the nearest end's ratio.
 *
 * Why a shape: a mount-table copy costs more per mount in a bigger table (the structures outgrow
 * the CPU's caches), so no line fits it; the line through the origin charged 10–79 % too much at
 * 2,000 mounts (docs/calibrate.md, "The measured shape of the mount-table costs").
 *
 * @example costAtNs({fixedNs: 0, perUnitNs: 2, shape: {x: [10, 20], ratio: [0.5, 1]}, ...}, 15) // 25: halfway from 10 to 40
 */
export function costAtNs(cost: Pick<LinearCost, 'fixedNs' | 'perUnitNs' | 'shape'>, x: number): number {
  const line = (v: number): number => cost.fixedNs + cost.perUnitNs * v
  const shape = cost.shape
  if (!shape) return line(x)
  const {x: xs, ratio} = shape
  const last = xs.length - 1
  if (x <= xs[0]!) return line(x) * ratio[0]!
  if (x >= xs[last]!) return line(x) * ratio[last]!
  let i = 1
  while (xs[i]! < x) i++
  const x0 = xs[i - 1]!
  const x1 = xs[i]!
  const y0 = line(x0) * ratio[i - 1]!
  const y1 = line(x1) * ratio[i]!
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0)
}
