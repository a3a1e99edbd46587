import type {NodeClassResult, PoolVariation, Recommendation, Verdict} from '../domain/analysis.js'
import {formatDensity} from '../domain/density-text.js'
import {poolDensity, recommendPool, type PoolFacts} from './recommend.js'
import {BURST_NAME} from './sensitivity.js'

/**
 * The pool side of the sensitivity panel: for each variation every class of the pool carries,
 * substitute the class's figures under it and re-derive the pool verdict with the same rules
 * (recommend.ts). Derived from `classes[]` only, so merged shards re-derive it.
 */
export function poolSensitivity(facts: PoolFacts, base: Recommendation): PoolVariation[] {
  const ids = [...new Set(facts.classes.flatMap((c) => c.sensitivity.map((v) => v.id)))]
  const out: PoolVariation[] = []
  for (const id of ids) {
    const varied: NodeClassResult[] = []
    for (const c of facts.classes) {
      const v = c.sensitivity.find((x) => x.id === id)
      if (!v) continue
      varied.push({
        ...c,
        results: {
          legacy: {...c.results.legacy, today: {...c.results.legacy.today, podStart: {...c.results.legacy.today.podStart, p99Ms: v.p99TodayMs.legacy}}},
          otn: {...c.results.otn, today: {...c.results.otn.today, podStart: {...c.results.otn.today.podStart, p99Ms: v.p99TodayMs.otn}}},
        },
        density: v.density,
      })
    }
    if (varied.length !== facts.classes.length) continue
    const first = facts.classes[0]!.sensitivity.find((x) => x.id === id)!
    const sloMs = first.sloMs
    const rec = recommendPool({...facts, classes: varied, sloMs})
    // Burst labels name the pod count of each class; with several classes, show the range.
    const label =
      first.group === 'burst'
        ? `${BURST_NAME[id] ?? id} (${podRange(varied.map((c) => c.sensitivity.find((x) => x.id === id)!.burstPods))} at once)`
        : first.label
    out.push({
      id,
      group: first.group,
      label,
      plausible: first.plausible,
      verdict: rec.verdict,
      p99TodayMs: {legacy: rec.numbers.p99TodayLegacyMs, otn: rec.numbers.p99TodayOtnMs},
      density: {legacy: poolDensity(varied, 'legacy'), otn: poolDensity(varied, 'otn')},
      flipsVerdict: rec.verdict !== base.verdict,
    })
  }
  return out
}

/** What the pool's verdict assumes about the burst, in words: `assumes a full refill of a drained node (28–75 pods start at once)`. */
export function burstAssumption(classes: readonly NodeClassResult[]): string {
  const byKind = new Map<string, number[]>()
  for (const c of classes) {
    const b = c.bursts
    const kind =
      b.source === 'override'
        ? 'a burst set with --burst'
        : b.chosen === b.drainRefill
          ? 'a full refill of a drained node'
          : b.chosen === b.jobWave
            ? 'a Job wave'
            : 'a rolling update'
    byKind.set(kind, [...(byKind.get(kind) ?? []), Math.min(b.chosen, Math.max(1, c.podsPerNodeToday))])
  }
  return `assumes ${[...byKind.entries()].map(([kind, ns]) => `${kind} (${podRange(ns)} at once)`).join(' or ')}`
}

/** `1 pod`, `47 pods`, `28–75 pods`. */
export function podRange(ns: readonly number[]): string {
  const lo = Math.min(...ns)
  const hi = Math.max(...ns)
  return lo === hi ? `${lo} pod${lo === 1 ? '' : 's'}` : `${lo}–${hi} pods`
}

/**
 * Applies the panel to the base recommendation: the burst assumption, the variations that flip
 * the verdict ("the verdict changes if …"), and robustness: when a variation inside the model's
 * own measured range (not a what-if such as another SLO or burst) turns an upgrade into no gain,
 * no single verdict holds across the plausible range, so an `upgrade` becomes
 * `upgrade-with-caveats` and the headline says what it depends on.
 */
export function withSensitivity(base: Recommendation, classes: readonly NodeClassResult[], panel: readonly PoolVariation[]): Recommendation {
  const changesIf = panel
    .filter((v) => v.flipsVerdict)
    .map(
      (v) =>
        `${v.group === 'burst' ? 'the burst is a ' : ''}${v.label} → ${v.verdict} (max pods/node ${formatDensity(v.density.legacy)} → ${formatDensity(v.density.otn)})`,
    )
  const modelFlips = panel.filter((v) => v.flipsVerdict && v.group !== 'burst' && v.group !== 'slo' && v.plausible && v.verdict === 'no-gain')
  let verdict: Verdict = base.verdict
  let headline = base.headline
  if (modelFlips.length > 0 && verdict === 'upgrade') verdict = 'upgrade-with-caveats'
  if (modelFlips.length > 0 && verdict !== 'no-gain') headline += `; depends on ${modelFlips.map((v) => v.label).join(' and ')} (no gain there)`
  const assumes = burstAssumption(classes)
  // The headline names the burst it rests on: a gain that exists only when a node refills all its
  // pods at once must say so where it is read first.
  return {...base, verdict, headline: `${headline} (${assumes})`, assumes, changesIf}
}
