/**
 * What `densityplan calibrate` measures, and how much. `quick` keeps the whole run under a
 * minute on a 2-vCPU VM; the default adds larger inputs and more repetitions (under 10 min).
 * Every point is repeated at least 5 times.
 */
export interface CalibrationPlan {
  /** Host mounts added to the scratch namespace (its ~20 baseline mounts come on top). */
  legacyAddedMounts: number[]
  legacyReps: number
  /** Extra sleeping threads for pivot_root. */
  pivotExtraThreads: number[]
  pivotReps: number
  attachReps: number
  /** Mounts k in a container-like tree (teardown, open_tree). Real containers have 10–50; the
   * range goes to 512 so the small per-mount slope stands out of a shared machine's noise. */
  treeMounts: number[]
  treeReps: number
  mountinfoAddedMounts: number
  mountinfoReps: number
  /** In-flight slave copies P for propagation cost. */
  propPeers: number[]
  propReps: number
  /**
   * The short experiments (attach, tree, mountinfo, prop: about 2 s together) run in this many
   * parts spread over the run: at its start, after the legacy experiment and before the
   * cgroupdetach one (`measure` in src/app/calibrate.ts). In one piece they saw one or two seconds
   * of a machine whose speed moves by ±10–20 % from second to second (docs/calibrate.md, "Short
   * experiments in parts spread over the run").
   */
  shortParts: 1 | 2 | 3
  wakeSamples: number
  forkExecSamples: number
  /** crun /bin/true starts at M≈0, C=1 for the non-mount overhead (0 = skip crun). */
  crunStarts: number
  /** Host mounts added for the second crun point (runtimePerMount: the runtime's per-mount CPU outside the lock). */
  crunAddedMounts: number
  /** crun starts at the second point (M = crunAddedMounts, C = 1): only their median is used. */
  crunMountedStarts: number
  /** CPU contention: repetitions of P = 1..cores parallel fork+exec loops, and spawns per loop. */
  contentionReps: number
  contentionSpawns: number
  /** Gaps (ms) slept before each timed cgroup2 mount, and sweeps over them (the cgroup2 mount's grace period). */
  cgroupSyncGapsMs: number[]
  cgroupSyncReps: number
  /**
   * The same mount after a copy of this many added mounts was torn down (ascending; the last is
   * swept over cgroupDetachDelaysMs, the others timed at the first delay only), and sweeps.
   */
  cgroupDetachMounts: number[]
  cgroupDetachDelaysMs: number[]
  cgroupDetachReps: number
}

export const QUICK_PLAN: CalibrationPlan = {
  legacyAddedMounts: [0, 2000, 4000, 8000],
  legacyReps: 51,
  // Two points, many repetitions: a sample is fast or about twice as slow (docs/calibrate.md,
  // "Repeatability after the pivot, order and mountinfo changes"), and the slope rests on the mix
  // at each end, which 30 repetitions pin down.
  pivotExtraThreads: [0, 2000],
  pivotReps: 30,
  attachReps: 60,
  treeMounts: [1, 128, 512],
  treeReps: 61,
  mountinfoAddedMounts: 1000,
  // One fresh table per repetition (native/probe/experiments2.c): 10 builds, ~0.15 s.
  mountinfoReps: 10,
  propPeers: [0, 16, 64],
  propReps: 15,
  shortParts: 3,
  wakeSamples: 300,
  forkExecSamples: 15,
  // 150 starts (~1.5 s): about 2.5 % of back-to-back starts wait a grace period (cgroupSync's
  // runtime-loop point, src/model/cgroup-sync-fit.ts); 60 starts showed none at all 22 % of the
  // time (0.975^60), which left the model with no short windows and lone starts' p99 −72 % in a
  // validate run (docs/calibrate.md); 150 starts show none 2 % of the time.
  crunStarts: 150,
  crunAddedMounts: 4000,
  crunMountedStarts: 60,
  contentionReps: 3,
  contentionSpawns: 100,
  cgroupSyncGapsMs: [2, 6, 10, 14, 18, 22, 26, 30, 40, 60],
  // 20 sweeps (~5 s): the few per cent of short windows that give lone starts their tail are
  // binomial shares; 12 sweeps left them too noisy to repeat (docs/calibrate.md, "The window
  // distribution's estimator").
  cgroupSyncReps: 20,
  // ~6 s: 56 timed mounts, each 60 ms after the previous one. The lengthening is gone 60-70 ms
  // after the teardown and a mean of 10 waits moved by ±2 ms from run to run, so three delays
  // (teardown-to-mount ~20, ~45 and ~70 ms at 4,000 mounts) with 14 waits each rather than four
  // with 10 (docs/calibrate.md, "A grace period after a mass detach is longer").
  cgroupDetachMounts: [1000, 4000],
  cgroupDetachDelaysMs: [0, 25, 50],
  cgroupDetachReps: 14,
}

export const FULL_PLAN: CalibrationPlan = {
  legacyAddedMounts: [0, 1000, 2000, 4000, 7000, 10_000],
  legacyReps: 31,
  pivotExtraThreads: [0, 1000, 2000],
  pivotReps: 40,
  attachReps: 120,
  treeMounts: [1, 16, 64, 128, 256, 512],
  treeReps: 31,
  mountinfoAddedMounts: 4000,
  mountinfoReps: 20,
  propPeers: [0, 8, 16, 32, 64, 128],
  propReps: 21,
  shortParts: 3,
  wakeSamples: 500,
  forkExecSamples: 40,
  crunStarts: 240,
  crunAddedMounts: 8000,
  crunMountedStarts: 120,
  contentionReps: 7,
  contentionSpawns: 300,
  cgroupSyncGapsMs: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 40, 60],
  cgroupSyncReps: 20,
  cgroupDetachMounts: [1000, 2000, 4000],
  cgroupDetachDelaysMs: [0, 15, 30, 45, 60, 80],
  cgroupDetachReps: 16,
}

/**
 * A sanity run of every experiment in seconds (small inputs, 5 repetitions): the end-to-end
 * tests of `calibrate --node` use it. Its coefficients are too noisy to plan with.
 */
export const SMOKE_PLAN: CalibrationPlan = {
  legacyAddedMounts: [0, 200, 400],
  legacyReps: 5,
  pivotExtraThreads: [0, 50],
  pivotReps: 5,
  attachReps: 10,
  treeMounts: [1, 16, 64],
  treeReps: 5,
  mountinfoAddedMounts: 100,
  mountinfoReps: 5,
  propPeers: [0, 4, 8],
  propReps: 5,
  // Two parts, so the tests that run this plan go through the merging of parts.
  shortParts: 2,
  wakeSamples: 20,
  forkExecSamples: 10,
  crunStarts: 0,
  crunAddedMounts: 0,
  crunMountedStarts: 0,
  contentionReps: 2,
  contentionSpawns: 10,
  cgroupSyncGapsMs: [2, 60],
  cgroupSyncReps: 2,
  cgroupDetachMounts: [200],
  cgroupDetachDelaysMs: [0, 30],
  cgroupDetachReps: 2,
}

export type PlanName = 'full' | 'quick' | 'smoke'

export const PLANS: Record<PlanName, CalibrationPlan> = {full: FULL_PLAN, quick: QUICK_PLAN, smoke: SMOKE_PLAN}
