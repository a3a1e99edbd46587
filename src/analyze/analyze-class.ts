import type {BackTest, KernelPath, LatencySummary, NodeClassResult, PathResult, SweepPoint} from '../domain/analysis.js'
import type {NodeClass} from '../profile/node-classes.js'
import {bootstrapQuantileCis} from '../stats/bootstrap.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import {fmix32, replicationSeed} from '../stats/replication-seeds.js'
import {roundTo} from '../stats/round.js'
import {solveSlo} from '../stats/slo-solver.js'
import {summarize} from '../stats/summary.js'
import {
  BACK_TEST_TOLERANCE,
  cdfAtBounds,
  compareQuantiles,
  observedView,
  simulatedView,
  SOURCE_INCLUDES,
  TOLERANCE_FLOOR_MS,
  type ObservedStarts,
  type Quantiles,
} from './back-test.js'
import type {ClassRunSample, ClassRunSpec, SimulateFn} from './class-run.js'
import {chooseContention} from './contention.js'
import {fitOverhead, MAX_FIT_ITERATIONS, type OverheadFit, type OverheadGuess} from './fit-overhead.js'
import type {ClassPlan} from './plan.js'
import {fnv1a} from '../lib/fnv1a.js'
import {densityLimit} from './density-limit.js'

/**
 * Simulates one node class on both kernel paths: today's density with a start burst, the
 * density sweep, and the burst-size × density grid; then solves the SLO per path.
 *
 * Before that, when the class has observed starts, the non-kernel start time is fitted so that
 * the simulation of today reproduces them (fit-overhead.ts), and the result carries the back-test:
 * observed vs simulated-today quantiles from replications the fit did not use (back-test.ts).
 *
 * Common random numbers: the legacy and OTN runs of one operating point use the same seeds, so
 * their difference reflects the kernel path, not sampling noise. Seeds are a pure function of
 * (--seed, class id, operating point, replication), so any --jobs split gives the same bytes.
 * Replications grow per point until its p99's 95% CI is narrow enough (plan.targetHalfWidth).
 */
/** The sweep stops at the first density whose p99 exceeds this multiple of the SLO. */
export const SWEEP_STOP_FACTOR = 3
/**
 * The stopping rule trusts a p99 interval only from this many replications on: the bootstrap
 * resamples whole replications, and with fewer than 8 of them (4 give only 35 distinct
 * resamples) the interval comes out narrow by chance and the growth would stop too early.
 */
export const MIN_REPLICATIONS_FOR_CI = 8
/** Pod starts per simulation of today while fitting the non-kernel time (at least 2 replications). */
export const FIT_SAMPLES = 400

export function analyzeClass(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn): NodeClassResult {
  const fit = fitClass(cls, plan, simulate)
  return assembleClass(cls, fit, analyzeClassPath(cls, fit, simulate, 'legacy'), analyzeClassPath(cls, fit, simulate, 'otn'))
}

/**
 * The first step of a class, before either path: the non-kernel start time fitted to the class's
 * observed starts (or the plan's default). Plain data, so analyze --jobs can fit on one worker
 * thread and then simulate the two paths on two (src/app/analyze-jobs.ts).
 */
export interface ClassFit {
  /** The plan as given (precision and contention settings of the result). */
  plan: ClassPlan
  /** The plan with the fitted non-kernel time: what both paths simulate. */
  fitted: ClassPlan
  fit: TodayFit | null
  todayPath: KernelPath
}

export function fitClass(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn): ClassFit {
  const todayPath: KernelPath = cls.otnCapableToday ? 'otn' : 'legacy'
  const fit = plan.observed ? fitToday(cls, plan, simulate, todayPath, plan.observed) : null
  const overhead = fit ? fittedOverhead(fit.fit, plan.observed!) : plan.overhead
  return {plan, fitted: {...plan, overhead}, fit, todayPath}
}

/** One path of a fitted class: today, the sweep, the burst grid, and the points left at the replication cap. */
export interface ClassPathRun extends PathRun {
  atCap: NodeClassResult['precision']['atCap']
}

export function analyzeClassPath(cls: NodeClass, fit: ClassFit, simulate: SimulateFn, path: KernelPath): ClassPathRun {
  const atCap: NodeClassResult['precision']['atCap'] = []
  return {...analyzePath(cls, fit.fitted, simulate, path, classSeedBase(fit.plan, cls), atCap), atCap}
}

/** The class's result from its fit and both paths (no simulation). */
export function assembleClass(cls: NodeClass, classFit: ClassFit, legacy: ClassPathRun, otn: ClassPathRun): NodeClassResult {
  const {plan, fit, todayPath} = classFit
  const overhead = classFit.fitted.overhead
  const atCap = [...legacy.atCap, ...otn.atCap]
  const speedup = otn.result.today.podStart.p99Ms > 0 ? legacy.result.today.podStart.p99Ms / otn.result.today.podStart.p99Ms : 1
  const today = todayPath === 'legacy' ? legacy : otn
  const contention = chooseContention(plan.contentionCurve, cls.cores, plan.contention)
  const density = {legacy: densityLimit(legacy.result.slo, cls.capacity), otn: densityLimit(otn.result.slo, cls.capacity)}
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
    overhead,
    backTest: fit ? backTest(cls, plan.observed!, fit, todayPath, today.todayPodStartMs) : null,
    cpuContention: {mode: contention.mode, measuredCores: contention.measuredCores, applied: contention.applied, note: contention.note},
    precision: {targetHalfWidth: plan.targetHalfWidth, maxReplications: plan.maxReplications, atCap},
    otnVsLegacy: otnVsLegacy(legacy.result, otn.result, contention.applied),
    bursts: {...cls.bursts, chosen: plan.burstToday, source: plan.burstSource},
    results: {legacy: legacy.result, otn: otn.result},
    capacity: cls.capacity,
    density,
    // Filled by runClassJob (sensitivity.ts reuses this result's runs).
    sensitivity: [],
    delta: {
      p99TodayMs: roundTo(otn.result.today.podStart.p99Ms - legacy.result.today.podStart.p99Ms, 1),
      p99Speedup: roundTo(speedup, 3),
      podsPerNodeGain: density.otn.maxPodsPerNode - density.legacy.maxPodsPerNode,
    },
  }
}

function specFor(cls: NodeClass, plan: ClassPlan, path: KernelPath, density: number, burst: number, overhead: OverheadGuess): ClassRunSpec {
  const fallback = path === 'legacy' ? 1 : legacyFallback(cls)
  return {
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
    overhead: {medianMs: overhead.p50Ms, p90Ms: overhead.p90Ms},
    contention: plan.contention,
  }
}

function todayPoint(cls: NodeClass, plan: ClassPlan): {density: number; burst: number} {
  const density = Math.max(1, cls.podsPerNodeToday)
  return {density, burst: Math.min(plan.burstToday, density)}
}

/**
 * Pod starts of `reps` replications of today (the class's density and burst on `path`) with the
 * given non-kernel lognormal: what the fit simulates, and what the demo generator and the
 * identifiability test draw "observed" starts from.
 */
export function simulateToday(
  cls: NodeClass,
  plan: ClassPlan,
  simulate: SimulateFn,
  path: KernelPath,
  overhead: OverheadGuess,
  reps: number,
  seed: number,
): Float64Array {
  const {density, burst} = todayPoint(cls, plan)
  return concat(Array.from({length: reps}, (_, i) => simulate(specFor(cls, plan, path, density, burst, overhead), replicationSeed(seed, i)).podStartMs))
}

/**
 * Seeds of the fit and of the back-test's observation view come from the class alone, not
 * --seed: the fit is an estimate from the data, so every --seed simulates with the same fitted
 * non-kernel time, and seeds differ only by the simulation noise their confidence intervals cover.
 */
function dataSeed(cls: NodeClass): number {
  return parseInt(fnv1a(cls.id), 16) >>> 0
}

export interface TodayFit {
  fit: OverheadFit
  observed: ReturnType<typeof observedView>
  start: OverheadGuess
}

/**
 * The deconvolution: simulate today (today's path, density, burst) with a candidate non-kernel
 * lognormal and move it until the simulated view matches the observed one. Its replications use
 * their own seed stream, so the back-test afterwards is checked on runs the fit never saw.
 */
function fitToday(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn, path: KernelPath, obs: ObservedStarts): TodayFit {
  const fitBase = fmix32((dataSeed(cls) ^ 0x0f17_0f17) >>> 0)
  const reps = Math.max(2, Math.ceil(FIT_SAMPLES / todayPoint(cls, plan).burst))
  const viewSeed = fmix32((dataSeed(cls) ^ 0x71e5) >>> 0)
  const observed = observedView(obs, viewSeed)
  const fit = fitOverhead(observed, (guess) => simulatedView(obs, simulateToday(cls, plan, simulate, path, guess, reps, fitBase), viewSeed))
  return {fit, observed, start: {p50Ms: observed.p50Ms, p90Ms: observed.p90Ms}}
}

function fittedOverhead(fit: OverheadFit, obs: ObservedStarts): NodeClassResult['overhead'] {
  const where = obs.scope === 'class' ? 'this class' : 'its pool'
  const what =
    obs.kind === 'kubelet-sli' ? 'kubelet_pod_start_sli_duration_seconds' : `observed pod start timestamps${obs.resolutionMs >= 1000 ? ' (whole seconds)' : ''}`
  return {
    source: 'observed',
    p50Ms: roundTo(fit.p50Ms, 1),
    p90Ms: roundTo(Math.max(fit.p90Ms, fit.p50Ms * 1.01), 1),
    samples: obs.samples,
    note: `deconvolved from ${obs.samples} starts of ${what} on ${where}: the lognormal that makes the simulation of today (today's kernel path, density and burst) reproduce the observed p50 and p90 (${fit.iterations} simulation${fit.iterations === 1 ? '' : 's'}, ${fit.converged ? 'converged' : `not converged within ${MAX_FIT_ITERATIONS}`}); so today's kernel time is not counted twice`,
  }
}

function backTest(cls: NodeClass, obs: ObservedStarts, fit: TodayFit, todayPath: KernelPath, simulatedMs: Float64Array): BackTest {
  const viewSeed = fmix32((dataSeed(cls) ^ 0x71e5) >>> 0)
  const simulated = simulatedView(obs, simulatedMs, viewSeed)
  const resolutionMs = obs.kind === 'pod-timestamps' ? obs.resolutionMs : 0
  const cmp = compareQuantiles(fit.observed, simulated, resolutionMs)
  const r1 = (x: number): number => roundTo(x, 1)
  const q = (x: Quantiles): Quantiles => ({p50Ms: r1(x.p50Ms), p90Ms: r1(x.p90Ms), p99Ms: r1(x.p99Ms)})
  const r4 = (x: number): number => roundTo(x, 4)
  return {
    source: obs.kind,
    scope: obs.scope,
    includes: SOURCE_INCLUDES[obs.kind],
    samples: obs.samples,
    resolutionMs,
    todayPath,
    observed: q(cmp.observed),
    simulated: q(cmp.simulated),
    errorPct: {p50: r4(cmp.errorPct.p50), p90: r4(cmp.errorPct.p90), p99: r4(cmp.errorPct.p99)},
    tolerance: {...BACK_TEST_TOLERANCE, floorMs: Math.max(TOLERANCE_FLOOR_MS, resolutionMs / 2)},
    withinTolerance: cmp.withinTolerance,
    misses: cmp.misses,
    fit: {
      iterations: fit.fit.iterations,
      maxIterations: MAX_FIT_ITERATIONS,
      converged: fit.fit.converged,
      startP50Ms: r1(fit.start.p50Ms),
      startP90Ms: r1(fit.start.p90Ms),
    },
    cdf: cdfAtBounds(obs, simulatedMs, viewSeed, Math.max(cmp.observed.p99Ms, cmp.simulated.p99Ms)).map((c) => ({
      leMs: r1(c.leMs),
      observed: r4(c.observed),
      simulated: r4(c.simulated),
    })),
  }
}

interface PathRun {
  result: PathResult
  /** Today's pooled pod starts (all replications), for the back-test. */
  todayPodStartMs: Float64Array
}

function analyzePath(
  cls: NodeClass,
  plan: ClassPlan,
  simulate: SimulateFn,
  path: KernelPath,
  base: number,
  atCap: NodeClassResult['precision']['atCap'],
): PathRun {
  const overhead = {p50Ms: plan.overhead.p50Ms, p90Ms: plan.overhead.p90Ms}
  // Pod i of replication r draws the same non-mount overhead at every density, so the curves
  // differ by the kernel work and queueing, not by fresh noise at each point.
  const run = (density: number, burst: number, from: number, count: number): ClassRunSample[] =>
    Array.from({length: count}, (_, i) => simulate(specFor(cls, plan, path, density, burst, overhead), replicationSeed(base, from + i)))
  // Replications grow (nextReplications) until the p99's 95% CI half-width is within
  // plan.targetHalfWidth of the p99, or plan.maxReplications is reached (the point is then listed
  // in precision.atCap).
  // Today's point and the sweep point at today's density are the same runs: computed once.
  const memo = new Map<string, {runs: ClassRunSample[]; summary: LatencySummary}>()
  const precise = (density: number, burst: number, startReps: number): {runs: ClassRunSample[]; summary: LatencySummary} => {
    const key = `${density}/${burst}`
    const known = memo.get(key)
    if (known) return known
    let runs = run(density, burst, 0, Math.min(startReps, plan.maxReplications))
    // The stopping rule reads only the p99 and its interval, and only from MIN_REPLICATIONS_FOR_CI
    // on; the full summary (p50/p90/p99 intervals) is computed once, for the final runs.
    let p99 = runs.length < MIN_REPLICATIONS_FOR_CI ? null : p99Precision(runs, plan)
    while ((p99 === null || p99.halfWidthMs > plan.targetHalfWidth * p99.p99Ms) && runs.length < plan.maxReplications) {
      const next = nextReplications(runs.length, p99 ? p99.halfWidthMs / Math.max(p99.p99Ms, 1e-9) : 0, plan)
      runs = runs.concat(run(density, burst, runs.length, next - runs.length))
      p99 = runs.length < MIN_REPLICATIONS_FOR_CI ? null : p99Precision(runs, plan)
    }
    const summary = latencySummary(
      runs.map((r) => r.podStartMs),
      plan,
    )
    if (halfWidth(summary) > plan.targetHalfWidth * summary.p99Ms) {
      atCap.push({path, podsPerNode: density, replications: runs.length, halfWidthPct: roundTo((100 * halfWidth(summary)) / Math.max(summary.p99Ms, 1e-9), 1)})
    }
    memo.set(key, {runs, summary})
    return {runs, summary}
  }

  const {density: todayDensity, burst: todayBurst} = todayPoint(cls, plan)
  const today = precise(todayDensity, todayBurst, plan.replications)
  const todayRuns = today.runs
  const sweep: SweepPoint[] = []
  for (const d of plan.sweepDensities) {
    const burst = burstAt(plan, cls, d)
    const point = sweepPoint(d, burst, precise(d, burst, replicationsFor(plan, burst)).summary, cls)
    sweep.push(point)
    // Past SWEEP_STOP_FACTOR × SLO the curve has long crossed; denser points change no answer
    // and are the most expensive to simulate (the legacy queue grows with pods × mounts).
    if (point.p99Ms > SWEEP_STOP_FACTOR * plan.sloMs) break
  }
  const burstGrid = plan.gridDensityList.flatMap((d) =>
    plan.gridBursts
      .filter((b) => b <= d)
      .map((b) => ({podsPerNode: d, burstPods: b, p99Ms: roundTo(summarize(pooled(run(d, b, 0, plan.gridReplications), 'podStartMs')).p99, 1)})),
  )
  const todayPodStartMs = pooled(todayRuns, 'podStartMs')
  return {
    todayPodStartMs,
    result: {
      path,
      podsOnPathFraction: roundTo(path === 'legacy' ? 1 : 1 - specFor(cls, plan, path, 1, 1, overhead).legacyFallbackFraction, 3),
      today: {
        podsPerNode: todayDensity,
        burstPods: todayBurst,
        hostMounts: mountsAt(cls, todayDensity),
        podStart: today.summary,
        containerStart: latencySummary(
          todayRuns.map((r) => r.containerStartMs),
          plan,
        ),
        breakdown: breakdown(todayRuns),
        cdf: cdf(todayPodStartMs, plan.cdfPoints),
        lockUtilization: roundTo(todayRuns.reduce((s, r) => s + r.lockUtilization, 0) / todayRuns.length, 4),
      },
      sweep,
      burstGrid,
      slo: solveSlo(sweep, plan.sloMs),
    },
  }
}

/** Share of the class's pods that stay on the legacy path even on the OTN kernel path. */
export function legacyFallback(cls: Pick<NodeClass, 'podShape'>): number {
  return Math.min(1, cls.podShape.userNamespacePodFraction + cls.podShape.hookedPodFraction)
}

/** The simulator request for one operating point of a class on one path, with the plan's non-kernel time. */
export function runSpec(cls: NodeClass, plan: ClassPlan, path: KernelPath, density: number, burst: number): ClassRunSpec {
  return specFor(cls, plan, path, density, burst, plan.overhead)
}

/**
 * The class's seed stream base, a pure function of --seed and the class id: one stream per class,
 * shared by every operating point and both paths (common random numbers).
 */
export function classSeedBase(plan: Pick<ClassPlan, 'seed'>, cls: Pick<NodeClass, 'id'>): number {
  return fmix32((plan.seed ^ parseInt(fnv1a(cls.id), 16)) >>> 0)
}

/**
 * OTN against legacy at today's density: slower only where OTN's quantile lies above legacy's
 * 95% CI. The note names the cause the breakdown shows: more namespace_sem time (OTN pre-opens
 * every bind mount with open_tree(OPEN_TREE_CLONE) and moves every mount in, each a write
 * section, which costs more than copying a small host table), or CPU contention.
 */
export function otnVsLegacy(legacy: PathResult, otn: PathResult, contention: boolean): NodeClassResult['otnVsLegacy'] {
  const slower = (['p50', 'p99'] as const).filter((q) => otn.today.podStart[`${q}Ms`] > legacy.today.podStart.ci95[`${q}Ms`][1])
  if (slower.length === 0) return {slower: [], note: null}
  const d = slower.map((q) => `${q} +${roundTo(otn.today.podStart[`${q}Ms`] - legacy.today.podStart[`${q}Ms`], 1)} ms`).join(', ')
  const lo = legacy.today.breakdown
  const o = otn.today.breakdown
  const lock = o.lockWaitMs + o.lockHoldMs - (lo.lockWaitMs + lo.lockHoldMs)
  const why =
    lock > 0
      ? `namespace_sem costs OTN more here: hold ${o.lockHoldMs} vs ${lo.lockHoldMs} ms and wait ${o.lockWaitMs} vs ${lo.lockWaitMs} ms per pod. With ${legacy.today.hostMounts} host mounts the legacy copy of the table is short, while OTN pre-opens each bind mount (open_tree(OPEN_TREE_CLONE)) and moves each mount in (move_mount), one write section each, at the model's measured costs`
      : contention
        ? 'the CPU-contention curve applies to this core count: with the lock gone more starts run at once, and each is slowed'
        : `the time outside the lock differs (${o.otherMs} vs ${lo.otherMs} ms per pod), which is sampling of the non-kernel time, not the kernel path`
  return {slower: [...slower], note: `OTN is slower than legacy at today's density beyond the 95% CI (${d}): ${why}.`}
}

/**
 * How many replications a point has after its next growth step, from `n` replications whose p99
 * CI half-width is `relHalfWidth` × p99. Below MIN_REPLICATIONS_FOR_CI the interval is not trusted
 * yet, so the point goes straight to that count. From there, a CI half-width shrinks like 1/√n, so
 * n·(relHalfWidth / target)² replications are predicted to meet the target; the step asks for
 * 10% more than that (the half-width is itself an estimate), at least a quarter of n (so a point
 * just above the target does not creep up one replication, and one bootstrap, at a time) and at
 * most n (doubling, the step every point took before), never past the cap. Same rule, same
 * target and cap as doubling; the point stops nearer the count it needs instead of overshooting
 * to the next power of two (16 → 32 for a point that needed 19). Replication i always has seed i,
 * so the result depends only on the count reached.
 */
export function nextReplications(n: number, relHalfWidth: number, plan: Pick<ClassPlan, 'targetHalfWidth' | 'maxReplications'>): number {
  if (n < MIN_REPLICATIONS_FOR_CI) return Math.min(plan.maxReplications, MIN_REPLICATIONS_FOR_CI)
  const predicted = Math.ceil(n * (relHalfWidth / plan.targetHalfWidth) ** 2 * 1.1)
  return Math.min(plan.maxReplications, 2 * n, Math.max(n + Math.ceil(n / 4), predicted))
}

function halfWidth(s: LatencySummary): number {
  return (s.ci95.p99Ms[1] - s.ci95.p99Ms[0]) / 2
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

function sweepPoint(density: number, burst: number, s: LatencySummary, cls: NodeClass): SweepPoint {
  return {
    podsPerNode: density,
    burstPods: burst,
    hostMounts: mountsAt(cls, density),
    p50Ms: s.p50Ms,
    p50Ci95: s.ci95.p50Ms,
    p99Ms: s.p99Ms,
    p99Ci95: s.ci95.p99Ms,
  }
}

/**
 * The p99 and its 95% CI half-width as latencySummary reports them (same rounding): the bootstrap
 * draws the same resamples whatever quantiles it is asked for, so this p99 interval is the
 * summary's, at a third of the cost of all three.
 */
function p99Precision(runs: ClassRunSample[], plan: ClassPlan): {p99Ms: number; halfWidthMs: number} {
  const groups = runs.map((r) => r.podStartMs)
  const [ci] = bootstrapQuantileCis(groups, [0.99], {resamples: plan.bootstrapResamples, seed: plan.seed})
  const r = (x: number): number => roundTo(x, 1)
  return {p99Ms: r(quantileType7(sortedCopy(concat(groups)), 0.99)), halfWidthMs: (r(ci![1]) - r(ci![0])) / 2}
}

function latencySummary(groups: Float64Array[], plan: ClassPlan): LatencySummary {
  const all = concat(groups)
  const s = summarize(all)
  const [c50, c90, c99] = bootstrapQuantileCis(groups, [0.5, 0.9, 0.99], {resamples: plan.bootstrapResamples, seed: plan.seed})
  const r = (x: number): number => roundTo(x, 1)
  const ci = (c: [number, number] | undefined): [number, number] => [r(c![0]), r(c![1])]
  return {
    p50Ms: r(s.p50),
    p90Ms: r(s.p90),
    p99Ms: r(s.p99),
    meanMs: r(s.mean),
    maxMs: r(s.max),
    ci95: {p50Ms: ci(c50), p90Ms: ci(c90), p99Ms: ci(c99)},
    samples: all.length,
  }
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

/** The samples of several runs in one array, in run order. */
export function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}
