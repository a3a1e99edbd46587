import type {Blocker, DensityLimit, NodeClassResult, PoolResult, Recommendation, SloSolution, Verdict} from '../domain/analysis.js'
import {formatDensity} from '../domain/density-text.js'
import {formatMs} from '../lib/format.js'
import {roundTo} from '../stats/round.js'

/**
 * Pool and cluster verdicts from the per-class results. Pool figures are those of its most
 * constrained class (highest p99, lowest max pods/node): a pool is only as dense as its worst
 * class can safely be.
 *
 * A gain is material when OTN cuts today's p99 by ≥ 10 %, or adds ≥ 5 pods/node (and ≥ 5 % of
 * maxPods) under the SLO and every capacity limit, or turns a miss of the SLO at today's density
 * into a meet.
 */
export const MATERIAL_P99_CUT = 0.1
export const MATERIAL_PODS_GAIN = 5
/** Below this share of pods on the OTN path after the upgrade the verdict is no-gain. */
export const MIN_OTN_POD_SHARE = 0.2
/** Below this share, an upgrade carries caveats (many pods stay on the legacy path). */
export const CAVEAT_OTN_POD_SHARE = 0.9

/** z of the 0.90 and 0.99 quantiles of the standard normal: the non-kernel time is a lognormal fitted to p50 and p90. */
const Z90 = 1.2815516
const Z99 = 2.3263479

export interface PoolFacts {
  classes: readonly NodeClassResult[]
  blockers: readonly Blocker[]
  otnEligiblePodFraction: number
  sloMs: number
}

export function poolSlo(classes: readonly NodeClassResult[], path: 'legacy' | 'otn'): SloSolution {
  const worst = [...classes].sort((a, b) => a.results[path].slo.maxPodsPerNode - b.results[path].slo.maxPodsPerNode || (a.id < b.id ? -1 : 1))[0]
  return worst ? worst.results[path].slo : {maxPodsPerNode: 0, ci95: [0, 0], status: 'never'}
}

/** The pool's capacity-aware max pods/node on a path: its most constrained class. */
export function poolDensity(classes: readonly NodeClassResult[], path: 'legacy' | 'otn'): DensityLimit {
  const worst = [...classes].sort((a, b) => a.density[path].maxPodsPerNode - b.density[path].maxPodsPerNode || (a.id < b.id ? -1 : 1))[0]
  return worst ? worst.density[path] : {maxPodsPerNode: 0, binding: 'kernel-latency', lowerBound: false, kernelBound: 0, kernelLowerBound: false}
}

/** p99 of the non-kernel start time (lognormal through the fitted p50 and p90). */
export function nonKernelP99Ms(o: {p50Ms: number; p90Ms: number}): number {
  if (o.p50Ms <= 0) return 0
  const sigma = Math.log(Math.max(o.p90Ms, o.p50Ms) / o.p50Ms) / Z90
  return o.p50Ms * Math.exp(Z99 * sigma)
}

/** The migration steps a pool needs before its pods can take the OTN path (empty when none). */
export function migrationSteps(blockers: readonly Blocker[]): string[] {
  const steps: string[] = []
  if (blockers.some((b) => b.kind === 'kernel')) steps.push('a new node OS image with Linux ≥ 7.0')
  if (blockers.some((b) => b.kind === 'containerd-default' || b.kind === 'oci-runtime')) steps.push('the OCI runtime moved to crun ≥ 1.29')
  return steps
}

export function recommendPool(f: PoolFacts): Recommendation {
  const numbers = poolNumbers(f)
  const allCapable = f.classes.length > 0 && f.classes.every((c) => c.otnCapableToday)
  const reasons: string[] = []
  const cut = numbers.p99TodayLegacyMs > 0 ? (numbers.p99TodayLegacyMs - numbers.p99TodayOtnMs) / numbers.p99TodayLegacyMs : 0
  const maxPods = Math.max(...f.classes.map((c) => c.maxPods), 1)
  const todayLegacyMeets = numbers.p99TodayLegacyMs <= f.sloMs
  const todayOtnMeets = numbers.p99TodayOtnMs <= f.sloMs
  const material =
    cut >= MATERIAL_P99_CUT ||
    (numbers.podsPerNodeGain >= MATERIAL_PODS_GAIN && numbers.podsPerNodeGain >= 0.05 * maxPods) ||
    (!todayLegacyMeets && todayOtnMeets)
  const legacy = poolDensity(f.classes, 'legacy')
  const otn = poolDensity(f.classes, 'otn')
  const worstOverhead = [...f.classes].sort((a, b) => nonKernelP99Ms(b.overhead) - nonKernelP99Ms(a.overhead))[0]
  const overheadP99 = worstOverhead ? nonKernelP99Ms(worstOverhead.overhead) : 0
  // Said only when the simulation agrees: no density meets the SLO on either path. (The lognormal's
  // p99 is an extrapolation from p50 and p90; a simulated small density can still meet the SLO.)
  const overheadBreaksSlo = overheadP99 > f.sloMs && legacy.kernelBound === 0 && otn.kernelBound === 0
  const steps = migrationSteps(f.blockers)

  reasons.push(
    `p99 pod start at today's density: ${formatMs(numbers.p99TodayLegacyMs)} legacy → ${formatMs(numbers.p99TodayOtnMs)} with OPEN_TREE_NAMESPACE (${pct(-cut)})`,
  )
  reasons.push(
    `max pods/node with p99 ≤ ${formatMs(f.sloMs)} and within capacity: ${formatDensity(legacy, {binding: true})} legacy → ${formatDensity(otn, {binding: true})} OTN (${signed(numbers.podsPerNodeGain)})`,
  )
  if (overheadBreaksSlo) reasons.push(nonKernelText(overheadP99, f.sloMs))
  reasons.push(
    allCapable
      ? `${pct(numbers.otnPodFraction, false)} of pods take the OTN path today; the rest are user-namespaced or hooked and stay on the legacy path on any kernel`
      : `${pct(numbers.otnPodFraction, false)} of pods would take the OTN path once every node is upgraded (${steps.length ? `needs ${steps.join(' and ')}` : 'no migration step needed'})`,
  )
  for (const b of f.blockers) reasons.push(`${b.kind}: ${b.detail}`)

  let verdict: Verdict
  let headline: string
  if (allCapable) {
    verdict = 'no-gain'
    headline = `already on Linux ≥ 7.0 with crun ≥ 1.29: no upgrade to make (${pct(numbers.otnPodFraction, false)} of pods already take the OTN path)`
  } else if (numbers.otnPodFraction < MIN_OTN_POD_SHARE) {
    verdict = 'no-gain'
    headline = `only ${pct(numbers.otnPodFraction, false)} of pods could take the OTN path; an upgrade changes little`
  } else if (overheadBreaksSlo && !material) {
    verdict = 'no-gain'
    headline = nonKernelText(overheadP99, f.sloMs)
  } else if (!material) {
    verdict = 'no-gain'
    headline = `the kernel path is not what limits pod start here (p99 ${formatMs(numbers.p99TodayLegacyMs)} → ${formatMs(numbers.p99TodayOtnMs)}; max pods/node ${formatDensity(legacy, {binding: true})} → ${formatDensity(otn, {binding: true})})`
  } else {
    const caveats = f.blockers.filter((b) => b.kind === 'user-namespaces' || b.kind === 'hooks')
    const fewPods = numbers.otnPodFraction < CAVEAT_OTN_POD_SHARE
    // A kernel + OS image change together with a runtime migration is a project, not a patch.
    verdict = fewPods || steps.length > 1 ? 'upgrade-with-caveats' : 'upgrade'
    headline = `upgrade: p99 ${formatMs(numbers.p99TodayLegacyMs)} → ${formatMs(numbers.p99TodayOtnMs)}, ${signed(numbers.podsPerNodeGain)} pods/node under the SLO`
    if (steps.length > 1) headline += `; needs ${steps.length} steps: ${steps.map((s, i) => `(${i + 1}) ${s}`).join(', ')}`
    if (fewPods) headline += `; ${caveats.map((c) => c.kind).join(' and ') || 'some'} pods stay on the legacy path`
  }
  // A class whose simulation of today misses what its nodes observe: no prediction for the pool is
  // trusted more than "uncertain" (structural verdicts, which need no simulation, stand).
  const missed = f.classes.filter((c) => c.backTest && !c.backTest.withinTolerance)
  if (missed.length > 0 && !allCapable && numbers.otnPodFraction >= MIN_OTN_POD_SHARE) {
    const what = missed.map((c) => `${c.id} (${c.backTest!.misses.map((q) => `${q} ${pct(c.backTest!.errorPct[q])}`).join(', ')})`).join('; ')
    reasons.push(`back-test: the simulation of today misses the observed start latency of ${what}, beyond the tolerance`)
    headline = `uncertain: the simulation of today does not reproduce the observed start latency of ${missed.map((c) => c.id).join(', ')}; the prediction would have been: ${headline}`
    verdict = 'uncertain'
  }
  return {verdict, headline, reasons, numbers, assumes: '', changesIf: []}
}

function nonKernelText(p99Ms: number, sloMs: number): string {
  return `non-kernel start time p99 ${formatMs(p99Ms)} already exceeds the SLO (${formatMs(sloMs)}); the kernel path is not the constraint`
}

function poolNumbers(f: PoolFacts): Recommendation['numbers'] {
  const worstP99 = (path: 'legacy' | 'otn'): number => Math.max(0, ...f.classes.map((c) => c.results[path].today.podStart.p99Ms))
  const legacy = poolDensity(f.classes, 'legacy')
  const otn = poolDensity(f.classes, 'otn')
  return {
    p99TodayLegacyMs: worstP99('legacy'),
    p99TodayOtnMs: worstP99('otn'),
    maxPodsPerNodeLegacy: legacy.maxPodsPerNode,
    maxPodsPerNodeOtn: otn.maxPodsPerNode,
    podsPerNodeGain: otn.maxPodsPerNode - legacy.maxPodsPerNode,
    maxPodsLowerBound: {legacy: legacy.lowerBound, otn: otn.lowerBound},
    bindingLimit: {legacy: legacy.binding, otn: otn.binding},
    otnPodFraction: f.otnEligiblePodFraction,
  }
}

/**
 * The cluster verdict: no-gain when no pool gains; upgrade-with-caveats when any gaining pool
 * has caveats; else upgrade. With several pools the numbers are node-weighted means over the
 * pools that gain (or all pools when none does); with one, they are that pool's.
 */
export function recommendOverall(pools: readonly Pick<PoolResult, 'name' | 'nodeCount' | 'recommendation'>[]): Recommendation {
  const gaining = pools.filter((p) => p.recommendation.verdict === 'upgrade' || p.recommendation.verdict === 'upgrade-with-caveats')
  const basis = gaining.length > 0 ? gaining : pools
  const nodes = basis.reduce((s, p) => s + p.nodeCount, 0) || 1
  const w = (get: (n: Recommendation['numbers']) => number): number => basis.reduce((s, p) => s + get(p.recommendation.numbers) * p.nodeCount, 0) / nodes
  const only = basis.length === 1 ? basis[0]!.recommendation.numbers : null
  const numbers: Recommendation['numbers'] = only
    ? {...only}
    : {
        p99TodayLegacyMs: roundTo(
          w((n) => n.p99TodayLegacyMs),
          1,
        ),
        p99TodayOtnMs: roundTo(
          w((n) => n.p99TodayOtnMs),
          1,
        ),
        maxPodsPerNodeLegacy: Math.round(w((n) => n.maxPodsPerNodeLegacy)),
        maxPodsPerNodeOtn: Math.round(w((n) => n.maxPodsPerNodeOtn)),
        podsPerNodeGain: 0,
        maxPodsLowerBound: {
          legacy: basis.some((p) => p.recommendation.numbers.maxPodsLowerBound.legacy),
          otn: basis.some((p) => p.recommendation.numbers.maxPodsLowerBound.otn),
        },
        bindingLimit: mostCommonBinding(basis),
        otnPodFraction: roundTo(
          w((n) => n.otnPodFraction),
          3,
        ),
      }
  if (!only) numbers.podsPerNodeGain = numbers.maxPodsPerNodeOtn - numbers.maxPodsPerNodeLegacy
  const uncertain = pools.some((p) => p.recommendation.verdict === 'uncertain')
  const verdict: Verdict =
    gaining.length === 0
      ? uncertain
        ? 'uncertain'
        : 'no-gain'
      : gaining.some((p) => p.recommendation.verdict === 'upgrade-with-caveats')
        ? 'upgrade-with-caveats'
        : 'upgrade'
  const names = (v: Verdict): string =>
    pools
      .filter((p) => p.recommendation.verdict === v)
      .map((p) => p.name)
      .join(', ')
  const weighting = only ? '' : 'node-weighted '
  const headline =
    verdict === 'uncertain'
      ? `no pool gains for certain; ${names('uncertain')}: the simulation of today does not reproduce the observed start latency`
      : verdict === 'no-gain'
        ? 'no pool gains materially from moving to Linux ≥ 7.0 with crun ≥ 1.29'
        : `upgrade ${gaining.map((p) => p.name).join(', ')}: ${weighting}p99 ${formatMs(numbers.p99TodayLegacyMs)} → ${formatMs(numbers.p99TodayOtnMs)}, ${signed(numbers.podsPerNodeGain)} pods/node under the SLO`
  const reasons = (['upgrade', 'upgrade-with-caveats', 'uncertain', 'no-gain'] as const).filter((v) => names(v)).map((v) => `${v}: ${names(v)}`)
  for (const p of pools) reasons.push(`${p.name}: ${p.recommendation.headline}`)
  const changesIf = pools.flatMap((p) => p.recommendation.changesIf.map((c) => `${p.name}: ${c}`))
  const assumes =
    pools.length === 1
      ? pools[0]!.recommendation.assumes
      : pools
          .filter((p) => p.recommendation.assumes)
          .map((p) => `${p.name} ${p.recommendation.assumes}`)
          .join('; ')
  return {verdict, headline, reasons, numbers, assumes, changesIf}
}

function mostCommonBinding(pools: readonly Pick<PoolResult, 'nodeCount' | 'recommendation'>[]): Recommendation['numbers']['bindingLimit'] {
  const pick = (path: 'legacy' | 'otn'): Recommendation['numbers']['bindingLimit']['legacy'] => {
    const by = new Map<Recommendation['numbers']['bindingLimit']['legacy'], number>()
    for (const p of pools) by.set(p.recommendation.numbers.bindingLimit[path], (by.get(p.recommendation.numbers.bindingLimit[path]) ?? 0) + p.nodeCount)
    return [...by.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'kernel-latency'
  }
  return {legacy: pick('legacy'), otn: pick('otn')}
}

function pct(x: number, sign = true): string {
  const v = `${Math.round(Math.abs(x) * 100)}%`
  return sign ? (x < 0 ? `−${v}` : `+${v}`) : v
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `−${-n}`
}
