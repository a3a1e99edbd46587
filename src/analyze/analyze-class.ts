import type {KernelPath, LatencySummary, NodeClassResult, PathResult, SweepPoint} from '../domain/analysis.js'
import type {NodeClass} from '../profile/node-classes.js'
import {bootstrapQuantileCis} from '../stats/bootstrap.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import {fmix32, replicationSeed} from '../stats/replication-seeds.js'
import {roundTo} from '../stats/round.js'
import {solveSlo} from '../stats/slo-solver.js'
import {summarize} from '../stats/summary.js'
import type {ClassRunSample, ClassRunSpec, SimulateFn} from './class-run.js'
import type {ClassPlan} from './plan.js'
import {fnv1a} from '../lib/fnv1a.js'

/**
 * Simulates one node class on both kernel paths: today's density with a start burst, the
 * density sweep, and the burst-size × density grid; then solves the SLO per path.
 *
 * Common random numbers: the legacy and OTN runs of one operating point use the same seeds, so
 * their difference reflects the kernel path, not sampling noise. Seeds are a pure function of
 * (--seed, class id, operating point, replication), so any --jobs split gives the same bytes.
 */
/** The sweep stops at the first density whose p99 exceeds this multiple of the SLO. */
export const SWEEP_STOP_FACTOR = 3

export function analyzeClass(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn): NodeClassResult {
  const legacy = analyzePath(cls, plan, simulate, 'legacy')
  const otn = analyzePath(cls, plan, simulate, 'otn')
  const speedup = otn.today.podStart.p99Ms > 0 ? legacy.today.podStart.p99Ms / otn.today.podStart.p99Ms : 1
  return {
    id: cls.id,
    pool: cls.pool,
    nodeCount: cls.nodeNames.length,
    sampleNodes: cls.nodeNames.slice(0, 10),
    kernel: cls.kernel,
    osImage: cls.osImage,
    containerRuntime: cls.containerRuntime,
    ociRuntime: cls.oci.name,
    otnCapableToday: cls.otnCapableToday,
    cores: cls.cores,
    hostMountsToday: cls.hostMountsToday,
    hostMountsPerPod: cls.hostMountsPerPod,
    podsPerNodeToday: cls.podsPerNodeToday,
    maxPods: cls.maxPods,
    podShape: cls.podShape,
    overhead: plan.overhead,
    bursts: {...cls.bursts, chosen: plan.burstToday, source: plan.burstSource},
    results: {legacy, otn},
    delta: {
      p99TodayMs: roundTo(otn.today.podStart.p99Ms - legacy.today.podStart.p99Ms, 1),
      p99Speedup: roundTo(speedup, 3),
      podsPerNodeGain: otn.slo.maxPodsPerNode - legacy.slo.maxPodsPerNode,
    },
  }
}

function analyzePath(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn, path: KernelPath): PathResult {
  const fallback = path === 'legacy' ? 1 : Math.min(1, cls.podShape.userNamespacePodFraction + cls.podShape.hookedPodFraction)
  const spec = (density: number, burst: number): ClassRunSpec => ({
    path,
    cores: cls.cores,
    hostMounts: mountsAt(cls, density),
    podsRunning: Math.max(0, density - burst),
    burstPods: burst,
    containersPerPod: cls.podShape.containersPerPod,
    initContainersPerPod: cls.podShape.initContainersPerPod,
    hostMountsPerPod: cls.podShape.hostMountsPerPod,
    runtimeMountsPerContainer: cls.podShape.runtimeMountsPerContainer,
    legacyFallbackFraction: fallback,
    overhead: {medianMs: plan.overhead.p50Ms, p90Ms: plan.overhead.p90Ms},
  })
  // One seed stream per class, shared by every operating point (common random numbers): pod i
  // draws the same non-mount overhead at every density, so the curves differ by the kernel
  // work and queueing, not by fresh noise at each point.
  const base = fmix32((plan.seed ^ parseInt(fnv1a(cls.id), 16)) >>> 0)
  const run = (density: number, burst: number, reps: number): ClassRunSample[] =>
    Array.from({length: reps}, (_, i) => simulate(spec(density, burst), replicationSeed(base, i)))

  const todayDensity = Math.max(1, cls.podsPerNodeToday)
  const todayBurst = Math.min(plan.burstToday, todayDensity)
  const todayRuns = run(todayDensity, todayBurst, plan.replications)
  const sweep: SweepPoint[] = []
  for (const d of plan.sweepDensities) {
    const burst = burstAt(plan, cls, d)
    const point = sweepPoint(d, burst, run(d, burst, replicationsFor(plan, burst)), plan, cls)
    sweep.push(point)
    // Past SWEEP_STOP_FACTOR × SLO the curve has long crossed; denser points change no answer
    // and are the most expensive to simulate (the legacy queue grows with pods × mounts).
    if (point.p99Ms > SWEEP_STOP_FACTOR * plan.sloMs) break
  }
  const burstGrid = plan.gridDensityList.flatMap((d) =>
    plan.gridBursts.filter((b) => b <= d).map((b) => ({podsPerNode: d, burstPods: b, p99Ms: roundTo(summarize(pooled(run(d, b, plan.gridReplications), 'podStartMs')).p99, 1)})),
  )
  return {
    path,
    podsOnPathFraction: roundTo(path === 'legacy' ? 1 : 1 - fallback, 3),
    today: {
      podsPerNode: todayDensity,
      burstPods: todayBurst,
      hostMounts: mountsAt(cls, todayDensity),
      podStart: latencySummary(todayRuns.map((r) => r.podStartMs), plan),
      containerStart: latencySummary(todayRuns.map((r) => r.containerStartMs), plan),
      breakdown: breakdown(todayRuns),
      cdf: cdf(pooled(todayRuns, 'podStartMs'), plan.cdfPoints),
      lockUtilization: roundTo(todayRuns.reduce((s, r) => s + r.lockUtilization, 0) / todayRuns.length, 4),
    },
    sweep,
    burstGrid,
    slo: solveSlo(sweep, plan.sloMs),
  }
}

/**
 * Replications at a sweep point: --replications, but fewer (never below 2, so the bootstrap
 * still has replications to resample) where one run already holds SAMPLES_PER_POINT pod starts.
 */
export function replicationsFor(plan: Pick<ClassPlan, 'replications'>, burstPods: number): number {
  return Math.min(plan.replications, Math.max(2, Math.ceil(SAMPLES_PER_POINT / burstPods)))
}
export const SAMPLES_PER_POINT = 400

/** Host mount table at a density: today's table moved by the per-pod slope, never below the empty-node baseline. */
export function mountsAt(cls: Pick<NodeClass, 'hostMountsToday' | 'hostMountsPerPod' | 'podsPerNodeToday'>, density: number): number {
  return Math.max(30, Math.round(cls.hostMountsToday + cls.hostMountsPerPod * (density - cls.podsPerNodeToday)))
}

/** The burst at another density keeps today's burst share of the node's pods. */
export function burstAt(plan: Pick<ClassPlan, 'burstToday'>, cls: Pick<NodeClass, 'podsPerNodeToday'>, density: number): number {
  const today = Math.max(1, cls.podsPerNodeToday)
  return Math.min(density, Math.max(1, Math.round((plan.burstToday * density) / today)))
}

function sweepPoint(density: number, burst: number, runs: ClassRunSample[], plan: ClassPlan, cls: NodeClass): SweepPoint {
  const s = latencySummary(runs.map((r) => r.podStartMs), plan)
  return {podsPerNode: density, burstPods: burst, hostMounts: mountsAt(cls, density), p50Ms: s.p50Ms, p50Ci95: s.ci95.p50Ms, p99Ms: s.p99Ms, p99Ci95: s.ci95.p99Ms}
}

function latencySummary(groups: Float64Array[], plan: ClassPlan): LatencySummary {
  const all = concat(groups)
  const s = summarize(all)
  const [c50, c90, c99] = bootstrapQuantileCis(groups, [0.5, 0.9, 0.99], {resamples: plan.bootstrapResamples, seed: plan.seed})
  const r = (x: number): number => roundTo(x, 1)
  const ci = (c: [number, number] | undefined): [number, number] => [r(c![0]), r(c![1])]
  return {p50Ms: r(s.p50), p90Ms: r(s.p90), p99Ms: r(s.p99), meanMs: r(s.mean), maxMs: r(s.max), ci95: {p50Ms: ci(c50), p90Ms: ci(c90), p99Ms: ci(c99)}, samples: all.length}
}

function breakdown(runs: ClassRunSample[]): {lockWaitMs: number; lockHoldMs: number; otherMs: number} {
  // Lock figures come per container start; a pod's share is the sum over its containers, so
  // the per-pod mean is the total over all starts divided by the pods.
  const pods = runs.reduce((n, r) => n + r.podStartMs.length, 0) || 1
  const sum = (a: Float64Array): number => a.reduce((s, x) => s + x, 0)
  const wait = sum(pooled(runs, 'lockWaitMs')) / pods
  const hold = sum(pooled(runs, 'lockHoldMs')) / pods
  const total = sum(pooled(runs, 'podStartMs')) / pods
  return {lockWaitMs: roundTo(wait, 1), lockHoldMs: roundTo(hold, 1), otherMs: roundTo(Math.max(0, total - wait - hold), 1)}
}

/** `points` evenly spaced quantile levels 0..1 of the pooled sample (type 7). */
function cdf(values: Float64Array, points: number): Array<{q: number; ms: number}> {
  const sorted = sortedCopy(values)
  return Array.from({length: points}, (_, i) => {
    const q = points === 1 ? 1 : i / (points - 1)
    return {q: roundTo(q, 4), ms: roundTo(quantileType7(sorted, q), 1)}
  })
}

function pooled(runs: ClassRunSample[], key: 'podStartMs' | 'containerStartMs' | 'lockWaitMs' | 'lockHoldMs'): Float64Array {
  return concat(runs.map((r) => r[key]))
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}
