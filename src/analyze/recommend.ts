import type {Blocker, NodeClassResult, PoolResult, Recommendation, SloSolution, Verdict} from '../domain/analysis.js'
import {roundTo} from '../stats/round.js'

/**
 * Pool and cluster verdicts from the per-class results. Pool figures are those of its most
 * constrained class (highest p99, lowest max pods/node): a pool is only as dense as its worst
 * class can safely be.
 *
 * A gain is material when OTN cuts today's p99 by ≥ 10 %, or adds ≥ 5 pods/node (and ≥ 5 % of
 * maxPods) under the SLO, or turns a miss of the SLO at today's density into a meet.
 */
export const MATERIAL_P99_CUT = 0.1
export const MATERIAL_PODS_GAIN = 5
/** Below this share of pods on the OTN path after the upgrade the verdict is no-gain. */
export const MIN_OTN_POD_SHARE = 0.2
/** Below this share, an upgrade carries caveats (many pods stay on the legacy path). */
export const CAVEAT_OTN_POD_SHARE = 0.9

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

export function recommendPool(f: PoolFacts): Recommendation {
  const numbers = poolNumbers(f)
  const allCapable = f.classes.length > 0 && f.classes.every((c) => c.otnCapableToday)
  const reasons: string[] = []
  const cut = numbers.p99TodayLegacyMs > 0 ? (numbers.p99TodayLegacyMs - numbers.p99TodayOtnMs) / numbers.p99TodayLegacyMs : 0
  const maxPods = Math.max(...f.classes.map((c) => c.maxPods), 1)
  const todayLegacyMeets = numbers.p99TodayLegacyMs <= f.sloMs
  const todayOtnMeets = numbers.p99TodayOtnMs <= f.sloMs
  const material = cut >= MATERIAL_P99_CUT || (numbers.podsPerNodeGain >= MATERIAL_PODS_GAIN && numbers.podsPerNodeGain >= 0.05 * maxPods) || (!todayLegacyMeets && todayOtnMeets)

  reasons.push(`p99 pod start at today's density: ${fmtS(numbers.p99TodayLegacyMs)} legacy → ${fmtS(numbers.p99TodayOtnMs)} with OPEN_TREE_NAMESPACE (${pct(-cut)})`)
  const atLeast = (bound: boolean): string => (bound ? '≥ ' : '')
  const lb = numbers.maxPodsLowerBound
  reasons.push(`max pods/node with p99 ≤ ${fmtS(f.sloMs)}: ${atLeast(lb.legacy)}${numbers.maxPodsPerNodeLegacy} legacy → ${atLeast(lb.otn)}${numbers.maxPodsPerNodeOtn} OTN (${signed(numbers.podsPerNodeGain)}${lb.legacy && lb.otn ? ', both lower bounds: the SLO holds across the whole sweep' : ''})`)
  reasons.push(`${pct(numbers.otnPodFraction, false)} of pods would take the OTN path after the upgrade`)
  for (const b of f.blockers) reasons.push(`${b.kind}: ${b.detail}`)

  let verdict: Verdict
  let headline: string
  if (allCapable) {
    verdict = 'no-gain'
    headline = 'already on Linux ≥ 7.0 with crun ≥ 1.29: nothing left to upgrade'
  } else if (numbers.otnPodFraction < MIN_OTN_POD_SHARE) {
    verdict = 'no-gain'
    headline = `only ${pct(numbers.otnPodFraction, false)} of pods could take the OTN path; an upgrade changes little`
  } else if (!material) {
    verdict = 'no-gain'
    headline = `the kernel path is not what limits pod start here (p99 ${fmtS(numbers.p99TodayLegacyMs)} → ${fmtS(numbers.p99TodayOtnMs)})`
  } else {
    const caveats = f.blockers.filter((b) => b.kind === 'user-namespaces' || b.kind === 'hooks')
    verdict = numbers.otnPodFraction < CAVEAT_OTN_POD_SHARE ? 'upgrade-with-caveats' : 'upgrade'
    headline = `upgrade: p99 ${fmtS(numbers.p99TodayLegacyMs)} → ${fmtS(numbers.p99TodayOtnMs)}, ${signed(numbers.podsPerNodeGain)} pods/node under the SLO`
    if (verdict === 'upgrade-with-caveats') headline += `; ${caveats.map((c) => c.kind).join(' and ') || 'some'} pods stay on the legacy path`
  }
  return {verdict, headline, reasons, numbers}
}

function poolNumbers(f: PoolFacts): Recommendation['numbers'] {
  const worstP99 = (path: 'legacy' | 'otn'): number => Math.max(0, ...f.classes.map((c) => c.results[path].today.podStart.p99Ms))
  const legacySlo = poolSlo(f.classes, 'legacy')
  const otnSlo = poolSlo(f.classes, 'otn')
  const legacy = legacySlo.maxPodsPerNode
  const otn = otnSlo.maxPodsPerNode
  return {
    p99TodayLegacyMs: worstP99('legacy'),
    p99TodayOtnMs: worstP99('otn'),
    maxPodsPerNodeLegacy: legacy,
    maxPodsPerNodeOtn: otn,
    podsPerNodeGain: otn - legacy,
    maxPodsLowerBound: {legacy: legacySlo.status === 'beyond-sweep', otn: otnSlo.status === 'beyond-sweep'},
    otnPodFraction: f.otnEligiblePodFraction,
  }
}

/**
 * The cluster verdict: no-gain when no pool gains; upgrade-with-caveats when any gaining pool
 * has caveats; else upgrade. Numbers are node-weighted means over the pools that gain (or all
 * pools when none does).
 */
export function recommendOverall(pools: readonly Pick<PoolResult, 'name' | 'nodeCount' | 'recommendation'>[]): Recommendation {
  const gaining = pools.filter((p) => p.recommendation.verdict !== 'no-gain')
  const basis = gaining.length > 0 ? gaining : pools
  const nodes = basis.reduce((s, p) => s + p.nodeCount, 0) || 1
  const w = (get: (n: Recommendation['numbers']) => number): number => basis.reduce((s, p) => s + get(p.recommendation.numbers) * p.nodeCount, 0) / nodes
  const numbers = {
    p99TodayLegacyMs: roundTo(w((n) => n.p99TodayLegacyMs), 1),
    p99TodayOtnMs: roundTo(w((n) => n.p99TodayOtnMs), 1),
    maxPodsPerNodeLegacy: Math.round(w((n) => n.maxPodsPerNodeLegacy)),
    maxPodsPerNodeOtn: Math.round(w((n) => n.maxPodsPerNodeOtn)),
    podsPerNodeGain: 0,
    maxPodsLowerBound: {legacy: basis.some((p) => p.recommendation.numbers.maxPodsLowerBound.legacy), otn: basis.some((p) => p.recommendation.numbers.maxPodsLowerBound.otn)},
    otnPodFraction: roundTo(w((n) => n.otnPodFraction), 3),
  }
  numbers.podsPerNodeGain = numbers.maxPodsPerNodeOtn - numbers.maxPodsPerNodeLegacy
  const verdict: Verdict = gaining.length === 0 ? 'no-gain' : gaining.some((p) => p.recommendation.verdict === 'upgrade-with-caveats') ? 'upgrade-with-caveats' : 'upgrade'
  const names = (v: Verdict): string => pools.filter((p) => p.recommendation.verdict === v).map((p) => p.name).join(', ')
  const headline =
    verdict === 'no-gain'
      ? 'no pool gains materially from moving to Linux ≥ 7.0 with crun ≥ 1.29'
      : `upgrade ${gaining.map((p) => p.name).join(', ')}: node-weighted p99 ${fmtS(numbers.p99TodayLegacyMs)} → ${fmtS(numbers.p99TodayOtnMs)}, ${signed(numbers.podsPerNodeGain)} pods/node under the SLO`
  const reasons = (['upgrade', 'upgrade-with-caveats', 'no-gain'] as const).filter((v) => names(v)).map((v) => `${v}: ${names(v)}`)
  for (const p of pools) reasons.push(`${p.name}: ${p.recommendation.headline}`)
  return {verdict, headline, reasons, numbers}
}

function fmtS(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`
}

function pct(x: number, sign = true): string {
  const v = `${Math.round(Math.abs(x) * 100)}%`
  return sign ? (x < 0 ? `−${v}` : `+${v}`) : v
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : `−${-n}`
}

