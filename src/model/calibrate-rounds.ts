import type {CpuContention, FixedCost, KernelModel, LinearCost} from './schema.js'
import {buildCosts, range, type Measurements, type OtnScaling} from './calibrate-model.js'
import {medianNs} from '../stats/fit.js'
import {roundTo} from '../stats/round.js'

/**
 * The costs of a calibrate run from its rounds (one or more measurements of the plan, back to
 * back): with one round, its fit; with several, every linear and constant cost and the contention
 * curve the median of the rounds' fits (medianOfRounds) and the distributions fitted from all
 * rounds' samples. Local `calibrate` and `calibrate --node` both take their costs from here. `m`
 * is the rounds' measurements concatenated, for the model's raw points.
 */
export function costsOfRounds(rounds: readonly Measurements[], scaling?: OtnScaling): {m: Measurements; costs: KernelModel['costs']; notes: string[]} {
  const m = concatMeasurements(rounds)
  const pooled = buildCosts(m, scaling)
  if (rounds.length === 1) return {m, ...pooled}
  return {
    m,
    costs: medianOfRounds(
      rounds.map((r) => buildCosts(r, scaling).costs),
      pooled.costs,
    ),
    notes: [
      ...pooled.notes,
      `${rounds.length} rounds of the plan back to back: each linear and constant cost and the contention curve is the median of the rounds' fits, with the rounds' range as its spread; distributions and cgroupSync are fitted from all rounds' samples`,
    ],
  }
}

/**
 * `calibrate --rounds N`: the plan measured N times back to back, each round fitted alone, and
 * every coefficient the median of the N rounds' values. On a shared VM the machine's own speed
 * for memory-heavy kernel work changes for seconds to minutes at a time (docs/calibrate.md,
 * "Repeatability after the pivot, order and mountinfo changes"). A minority of slow (or fast)
 * rounds cannot move the median; a drift that lasts longer than the rounds still moves it (three
 * `--quick --rounds 5` runs back to back disagreed as much as single runs, docs/calibrate.md). The
 * rounds' lowest and highest value become the coefficient's spread: what a repeat calibration
 * gave, here and now, which is the uncertainty analyze's spread panel is for; the within-run
 * repetition groups of a single run understate it.
 *
 * Distributions (rcuGp, wakeLatency, forkExecOverhead) and cgroupSync are fitted once from all
 * rounds' samples pooled (`pooled`): they are shapes, not single numbers, and more samples make
 * them better.
 */
export function medianOfRounds(rounds: ReadonlyArray<KernelModel['costs']>, pooled: KernelModel['costs']): KernelModel['costs'] {
  if (rounds.length === 0) throw new RangeError('medianOfRounds: no rounds')
  if (rounds.length === 1) return rounds[0]!
  const method = `min/max over ${rounds.length} calibrate rounds measured back to back in this run; the value is their median`
  const out: Record<string, unknown> = {}
  for (const [name, cost] of Object.entries(pooled)) {
    if (cost === undefined) continue
    const each = rounds.map((r) => (r as Record<string, unknown>)[name]).filter((c) => c !== undefined)
    if (each.length !== rounds.length) {
      out[name] = cost
      continue
    }
    if ('perUnitNs' in cost) out[name] = linearMedian(each as LinearCost[], method)
    else if ('points' in cost) out[name] = contentionMedian(each as CpuContention[], method)
    else if ('ns' in cost && !('kind' in cost)) out[name] = fixedMedian(each as FixedCost[], method)
    else out[name] = cost
  }
  return out as KernelModel['costs']
}

const roundNote = (rounds: number, note?: string) => [note, `median of ${rounds} rounds (each fitted alone)`].filter(Boolean).join('; ')

/** The rounds' sources as one: the first's command, every sample, the median residual, a note saying so. */
function roundsSource(each: ReadonlyArray<LinearCost | FixedCost>): FixedCost['source'] {
  const first = each[0]!
  const residual = each.map((c) => c.source.residualP90Ns).filter((v): v is number => v !== undefined)
  return {
    command: first.source.command,
    samples: each.reduce((n, c) => n + c.source.samples, 0),
    ...(residual.length ? {residualP90Ns: Math.round(medianNs(residual))} : {}),
    note: roundNote(each.length, first.source.note),
  }
}

function linearMedian(each: LinearCost[], method: string): LinearCost {
  const fixed = each.map((c) => c.fixedNs)
  const perUnit = each.map((c) => c.perUnitNs)
  const r2 = each.map((c) => c.source.r2).filter((v): v is number => v !== undefined)
  const {command, samples, residualP90Ns, note} = roundsSource(each)
  return {
    fixedNs: Math.round(medianNs(fixed)),
    perUnitNs: roundTo(medianNs(perUnit), 3),
    unit: each[0]!.unit,
    // The keys in the order a single round's linear cost has them (calibrate-model.ts linear).
    source: {
      command,
      samples,
      ...(r2.length ? {r2: roundTo(medianNs(r2), 3)} : {}),
      ...(residualP90Ns !== undefined ? {residualP90Ns} : {}),
      note,
    },
    spread: {fixedNs: range(fixed, Math.round), perUnitNs: range(perUnit, (v) => roundTo(v, 3)), method},
    ...shapeMedian(each),
  }
}

/** The rounds' shapes as one: at each measured input, the median of the rounds' ratios (none unless every round has a shape over the same inputs). */
function shapeMedian(each: LinearCost[]): Pick<LinearCost, 'shape'> {
  const shapes = each.map((c) => c.shape)
  const first = shapes[0]
  if (!first || shapes.some((s) => !s || s.x.length !== first.x.length || s.x.some((x, i) => x !== first.x[i]))) return {}
  return {shape: {x: [...first.x], ratio: first.x.map((_, i) => roundTo(medianNs(shapes.map((s) => s!.ratio[i]!)), 4))}}
}

function fixedMedian(each: FixedCost[], method: string): FixedCost {
  const ns = each.map((c) => c.ns)
  return {
    ns: roundTo(medianNs(ns), 3),
    source: roundsSource(each),
    spread: {ns: range(ns, (v) => roundTo(v, 3)), method},
  }
}

/** Per busy-core count: the median slowdown of the rounds, their lowest and highest as low/high. */
function contentionMedian(each: CpuContention[], method: string): CpuContention {
  const first = each[0]!
  const points = first.points.map((p) => {
    const values = each.map((c) => c.points.find((q) => q.busyCores === p.busyCores)?.slowdown).filter((v): v is number => v !== undefined)
    if (p.busyCores === 1 || values.length !== each.length) return p
    return {busyCores: p.busyCores, slowdown: roundTo(medianNs(values), 3), low: Math.min(...values), high: Math.max(...values)}
  })
  return {
    points,
    source: {
      command: first.source.command,
      samples: each.reduce((n, c) => n + c.source.samples, 0),
      note: `${roundNote(each.length, first.source.note)}; low/high: ${method}`,
    },
  }
}

/**
 * All rounds' measurements as one run's: every series concatenated in round order (what the
 * pooled fits and the model's raw points use). The crun starts are pooled too; their mount and
 * thread counts are the first round's (the same namespace is built each round).
 */
export function concatMeasurements(rounds: readonly Measurements[]): Measurements {
  if (rounds.length === 0) throw new RangeError('concatMeasurements: no rounds')
  const first = rounds[0]!
  if (rounds.length === 1) return first
  const all = <T>(pick: (m: Measurements) => readonly T[]): T[] => rounds.flatMap((m) => [...pick(m)])
  const crun = first.crun
  const syncs = rounds.map((m) => m.cgroupSync).filter((s) => s !== undefined)
  return {
    ...first,
    copy: all((m) => m.copy),
    chtype: all((m) => m.chtype),
    pivot: all((m) => m.pivot),
    umount: all((m) => m.umount),
    attach: all((m) => m.attach),
    detachLazyCpu: all((m) => m.detachLazyCpu),
    detachLazyWall: all((m) => m.detachLazyWall),
    moveAttach: all((m) => m.moveAttach),
    teardown: all((m) => m.teardown),
    dclone: all((m) => m.dclone),
    otc: all((m) => m.otc),
    otn: all((m) => m.otn),
    mountinfo: all((m) => m.mountinfo),
    prop: all((m) => m.prop),
    wake: all((m) => m.wake),
    forkExec: all((m) => m.forkExec),
    contention: all((m) => m.contention),
    ...(syncs.length === rounds.length
      ? {
          cgroupSync: {
            wall: syncs.flatMap((s) => s.wall),
            cpu: syncs.flatMap((s) => s.cpu),
            initCgroupNs: syncs.every((s) => s.initCgroupNs),
            ...(syncs.every((s) => s.detach)
              ? {
                  detach: syncs[0]!.detach!.map((d, i) => ({
                    mounts: d.mounts,
                    wall: syncs.flatMap((s) => s.detach![i]?.wall ?? []),
                    cpu: syncs.flatMap((s) => s.detach![i]?.cpu ?? []),
                    sinceTeardown: syncs.flatMap((s) => s.detach![i]?.sinceTeardown ?? []),
                  })),
                }
              : {}),
          },
        }
      : {}),
    ...(crun && rounds.every((m) => m.crun)
      ? {
          crun: {
            ...crun,
            startNs: all((m) => m.crun!.startNs),
            ...(rounds.every((m) => m.crun!.cpuNs) ? {cpuNs: all((m) => m.crun!.cpuNs!)} : {}),
            ...(crun.atMounts && rounds.every((m) => m.crun!.atMounts)
              ? {
                  atMounts: {
                    ...crun.atMounts,
                    startNs: all((m) => m.crun!.atMounts!.startNs),
                    cpuNs: all((m) => m.crun!.atMounts!.cpuNs),
                  },
                }
              : {}),
          },
        }
      : {}),
  }
}
