import type {KernelModel} from './schema.js'

/** Which end of every coefficient's spread to take. */
export type SpreadEnd = 'low' | 'high'

/**
 * The model with every coefficient that carries a spread moved to the low (or high) end of it:
 * linear costs' fixed and per-unit parts, constant costs, and the CPU contention curve. Costs
 * without a spread (older files, distributions) stay as they are, so a model with no spread at
 * all returns unchanged costs. All coefficients move together: on a shared machine the noise of
 * one calibrate run tends to move them together (the whole run slower or faster), so the two
 * variants bound what a repeat calibration could plausibly give. analyze runs both
 * (src/analyze/model-spread.ts) to show how much of an answer rests on calibration noise.
 */
export function modelAtSpread(model: KernelModel, end: SpreadEnd): KernelModel {
  const costs: Record<string, unknown> = {}
  for (const [name, cost] of Object.entries(model.costs)) {
    if (cost === undefined) continue
    if ('perUnitNs' in cost && cost.spread) costs[name] = {...cost, fixedNs: cost.spread.fixedNs[end], perUnitNs: cost.spread.perUnitNs[end]}
    else if ('ns' in cost && 'spread' in cost && cost.spread) costs[name] = {...cost, ns: cost.spread.ns[end]}
    else if ('points' in cost) costs[name] = {...cost, points: cost.points.map((p) => ({...p, slowdown: p[end] ?? p.slowdown}))}
    else costs[name] = cost
  }
  return {...model, costs: costs as KernelModel['costs']}
}

/** True when at least one coefficient of the model carries a spread. */
export function hasSpread(model: KernelModel): boolean {
  return Object.values(model.costs).some(
    (c) =>
      c !== undefined && (('spread' in c && c.spread !== undefined) || ('points' in c && c.points.some((p) => p.low !== undefined || p.high !== undefined))),
  )
}

/**
 * The widest relative spread among the model's key coefficients, as (high − low) / value, with
 * the coefficient's name: a one-line summary for reports. Undefined without any spread.
 */
export function widestSpread(model: KernelModel): {name: string; relative: number} | undefined {
  let best: {name: string; relative: number} | undefined
  const consider = (name: string, value: number, low: number, high: number): void => {
    if (!(value > 0)) return
    const relative = (high - low) / value
    if (!best || relative > best.relative) best = {name, relative}
  }
  for (const [name, c] of Object.entries(model.costs)) {
    if (c === undefined) continue
    if ('perUnitNs' in c && c.spread) consider(`${name}.perUnitNs`, c.perUnitNs, c.spread.perUnitNs.low, c.spread.perUnitNs.high)
    else if ('ns' in c && 'spread' in c && c.spread) consider(`${name}.ns`, c.ns, c.spread.ns.low, c.spread.ns.high)
    else if ('points' in c) {
      const last = c.points.at(-1)
      if (last && last.low !== undefined && last.high !== undefined && last.busyCores > 1)
        consider(`${name}.slowdown@${last.busyCores}`, last.slowdown - 1, last.low - 1, last.high - 1)
    }
  }
  return best
}
