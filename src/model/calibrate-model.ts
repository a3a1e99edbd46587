import {MOUNTINFO_LINES_PER_CHUNK, type CpuContention, type DurationDistribution, type FixedCost, type KernelModel, type LinearCost} from './schema.js'
import {centresByX, fitLinearOnMedians, fitLinearOnTrimmedMeans, medianNs, offCpuExcessNs, spreadP90Ns, type FitPoint, type LinearFit} from '../stats/fit.js'
import {roundTo} from '../stats/round.js'
import {cgroupSync, type DetachRun} from './cgroup-sync-fit.js'
import {costAtNs} from './linear-cost.js'
import {MAX_SHAPE_RATIO} from '../domain/limits.js'

/** Raw measurements of one calibrate run, series by series (ns). */
export interface Measurements {
  /** Which clock the syscall costs come from: the calling thread's CPU time (default) or wall time. */
  clock?: 'cpu' | 'wall'
  /** The exact probe command line of each experiment, for the model's `source.command`. */
  commands: Record<string, string>
  copy: FitPoint[]
  chtype: FitPoint[]
  pivot: FitPoint[]
  umount: FitPoint[]
  attach: number[]
  /** umount2(one bind, MNT_DETACH): CPU time of the caller, and wall time (includes the RCU wait). */
  detachLazyCpu: number[]
  detachLazyWall: number[]
  moveAttach: number[]
  teardown: FitPoint[]
  dclone: FitPoint[]
  otc: FitPoint[]
  /** Real open_tree(OPEN_TREE_NAMESPACE)+setns, only on kernels that have it. */
  otn: FitPoint[]
  mountinfo: FitPoint[]
  prop: FitPoint[]
  wake: number[]
  forkExec: number[]
  /** CPU time per fork+exec of /bin/true with x loops running at once (x = 1..cores), one point per repetition. */
  contention: FitPoint[]
  /**
   * cgroup2 mounts timed after sleeping x ms since the previous one (wall and CPU time of each,
   * same order), and whether the probe ran in the initial cgroup namespace; `detach`: the same
   * mount x ms after a copy of the namespace's mounts was torn down (`dp-probe cgroupdetach`), one
   * run per table size. Absent in older runs.
   */
  cgroupSync?: {wall: FitPoint[]; cpu: FitPoint[]; initCgroupNs: boolean; detach?: DetachRun[]}
  /** crun run /bin/true at M≈0, C=1, with the namespace's mounts and threads, when crun exists. */
  crun?: {
    version: string
    startNs: number[]
    mounts: number
    threads: number
    containerMounts: number
    /** CPU time (rusage of crun and its children) of each start at M≈0, for runtimePerMount. */
    cpuNs?: number[]
    /** The same starts with thousands of host mounts added, for runtimePerMount: wall and CPU time per start. */
    atMounts?: {startNs: number[]; cpuNs: number[]; mounts: number; threads: number}
  }
  /**
   * Runtime start times from a cluster node's kubelet (create_container + start_container
   * histograms, read at evenly spaced quantiles) with the node's mounts M and threads T and the
   * container mounts k assumed for them; used instead of crun by `calibrate --node`.
   */
  kubeletRuntime?: {startNs: number[]; mounts: number; threads: number; containerMounts: number; source: string; command: string}
}

export interface Environment {
  release: string
  clock: 'cpu' | 'wall'
  otnSupported: boolean
  hz: number
  cpu: string
  cores: number
  /** Kubernetes architecture name of the measured machine (amd64, arm64, ...). */
  arch?: string
  date: string
  tool: string
  loadNotes: string[]
  /** The cluster node, for `calibrate --node`. */
  node?: NonNullable<KernelModel['provenance']['node']>
}

export interface OtnScaling {
  ratio: number
  ratioP25: number
  ratioP75: number
  cells: number
  file: string
  kernel: string
}

/**
 * Repetition groups for the spread of a coefficient: the raw points of each input x are dealt,
 * in the order the probe measured them, into SPREAD_GROUPS interleaved groups (repetition i goes
 * to group i mod SPREAD_GROUPS), and each group is fitted alone. A burst of other load lands in
 * some groups and not others; a drift over many repetitions lands in all of them alike, so for
 * the experiments calibrate runs in three parts (attach, tree, mountinfo, prop) the points come
 * dealt part by part and the groups are the parts (mergeParts in src/app/calibrate.ts): their
 * spread is how far the coefficient moved between three moments of the run (attach 27 %, against
 * 4 % over interleaved groups of the same run; docs/calibrate.md). Three groups keep ≥ 5
 * repetitions per group at --quick.
 */
export const SPREAD_GROUPS = 3
const SPREAD_METHOD = `min/max over ${SPREAD_GROUPS} interleaved repetition groups of this run (repetition i in group i mod ${SPREAD_GROUPS}; for attach, tree, mountinfo and prop, which run in three parts, the groups are the parts), each fitted alone the same way, and the fit over all repetitions`

/** The points split into SPREAD_GROUPS groups by repetition index within each x. */
export function repetitionGroups<T extends {x: number}>(points: readonly T[], groups = SPREAD_GROUPS): T[][] {
  const seen = new Map<number, number>()
  const out: T[][] = Array.from({length: groups}, () => [])
  for (const p of points) {
    const i = seen.get(p.x) ?? 0
    seen.set(p.x, i + 1)
    out[i % groups]!.push(p)
  }
  return out
}

/** Share of pivot_root samples dropped at each end before averaging (fitLinearOnTrimmedMeans). */
const PIVOT_TRIM = 0.1

/** The lowest and highest of `values`, each rounded: a coefficient's spread. */
export const range = (values: number[], round: (v: number) => number) => ({low: round(Math.min(...values)), high: round(Math.max(...values))})

/** Spread of a linear fit's coefficients over the repetition groups (undefined when a group cannot be fitted). */
export function linearSpread(
  points: readonly FitPoint[],
  full: LinearFit,
  transform: (f: LinearFit) => LinearFit = (f) => f,
  fit: (points: readonly FitPoint[]) => LinearFit = fitLinearOnMedians,
): LinearCost['spread'] {
  const fits: LinearFit[] = [full]
  for (const g of repetitionGroups(points)) {
    if (new Set(g.map((p) => p.x)).size < 2) return undefined
    fits.push(transform(fit(g)))
  }
  return {
    fixedNs: range(
      fits.map((f) => f.fixedNs),
      Math.round,
    ),
    perUnitNs: range(
      fits.map((f) => f.perUnitNs),
      (v) => roundTo(v, 3),
    ),
    method: SPREAD_METHOD,
  }
}

function linear(fit: LinearFit, unit: LinearCost['unit'], command: string, note?: string, spread?: LinearCost['spread']): LinearCost {
  const clampNote = fit.clamped.includes('perUnit')
    ? 'negative perUnit coefficient clamped to 0 (fixed = the mean)'
    : fit.clamped.includes('fixed')
      ? 'negative fixed coefficient clamped to 0 (slope fitted again through the origin)'
      : undefined
  const text = [note, clampNote].filter(Boolean).join('; ')
  return {
    fixedNs: Math.round(fit.fixedNs),
    perUnitNs: roundTo(fit.perUnitNs, 3),
    unit,
    source: {command, samples: fit.samples, r2: roundTo(fit.r2, 3), residualP90Ns: Math.round(fit.residualP90Ns), ...(text ? {note: text} : {})},
    ...(spread ? {spread} : {}),
  }
}

/**
 * linear() of fit(points) (per-x medians unless said otherwise), with the spread over repetition
 * groups, and with `shaped` the measured shape (measuredShape).
 */
function fitted(
  points: readonly FitPoint[],
  unit: LinearCost['unit'],
  command: string,
  note?: string,
  transform: (f: LinearFit) => LinearFit = (f) => f,
  fit: (points: readonly FitPoint[]) => LinearFit = fitLinearOnMedians,
  shaped = false,
): LinearCost {
  const raw = fit(points)
  const line = transform(raw)
  const cost = linear(line, unit, command, note, linearSpread(points, line, transform, fit))
  const shape = shaped ? measuredShape(points, raw.fixedNs - line.fixedNs, cost) : undefined
  return shape ? {...cost, shape} : cost
}

/**
 * The shape of a cost whose cost per unit is not constant (copy, chtype, umount: a bigger mount
 * table costs more per mount; docs/calibrate.md, "The measured shape of the mount-table costs"):
 * at each measured x, the median measurement, less what the model's transform took off the
 * intercept (`shiftNs`), ÷ the line. Undefined with fewer than two measured inputs, or where the
 * line or the median is not positive (no ratio to take).
 */
export function measuredShape(points: readonly FitPoint[], shiftNs: number, line: Pick<LinearCost, 'fixedNs' | 'perUnitNs'>): LinearCost['shape'] {
  const medians = centresByX(points).sort((a, b) => a.x - b.x)
  if (medians.length < 2) return undefined
  const ratio: number[] = []
  for (const {x, ns} of medians) {
    const atLine = line.fixedNs + line.perUnitNs * x
    const measured = ns - shiftNs
    if (!(atLine > 0 && measured > 0)) return undefined
    ratio.push(Math.min(MAX_SHAPE_RATIO, roundTo(measured / atLine, 4)))
  }
  return {x: medians.map((p) => p.x), ratio}
}

function fixed(values: number[], command: string, note?: string): FixedCost {
  const ns = Math.round(medianNs(values))
  const groups = repetitionGroups(values.map((v) => ({x: 1, ns: v}))).filter((g) => g.length > 0)
  const spread =
    groups.length === SPREAD_GROUPS
      ? {
          ns: range([ns, ...groups.map((g) => medianNs(g.map((p) => p.ns)))], Math.round),
          method: SPREAD_METHOD.replace('each fitted alone the same way, and the fit', 'the median of each, and the median'),
        }
      : undefined
  return {ns, source: {command, samples: values.length, residualP90Ns: Math.round(spreadP90Ns(values)), ...(note ? {note} : {})}, ...(spread ? {spread} : {})}
}

function empirical(values: number[], command: string, note: string): DurationDistribution {
  return {kind: 'empirical', samplesNs: [...values].sort((a, b) => a - b).map(Math.round), source: {command, samples: values.length, note}}
}

/** Subtracts a constant from a linear fit's intercept (never below 0). */
function minusFixed(fit: LinearFit, ns: number): LinearFit {
  return {...fit, fixedNs: Math.max(0, fit.fixedNs - ns)}
}

function scaled(fit: LinearFit, ratio: number): LinearFit {
  return {...fit, fixedNs: fit.fixedNs * ratio, perUnitNs: fit.perUnitNs * ratio}
}

/**
 * The model's costs from one run's measurements. `otn` comes from the real call when the kernel
 * has it, else from the OPEN_TREE_CLONE stand-in, scaled by `scaling` when given.
 */
export function buildCosts(m: Measurements, scaling?: OtnScaling): {costs: KernelModel['costs']; notes: string[]} {
  const c = m.commands
  const detachCpuMedian = medianNs(m.clock === 'wall' ? m.detachLazyWall : m.detachLazyCpu)
  const T = m.clock === 'wall' ? 'Wall time (CLOCK_MONOTONIC, includes preemption by other load)' : 'CPU time'
  const attach = fixed(
    m.attach,
    c.attach ?? 'dp-probe attach',
    `${T} of mount(MS_BIND) of one directory in a slave copy (path lookup + do_loopback write section)`,
  )
  const notes: string[] = []
  let otn: LinearCost
  if (m.otn.length > 0) {
    otn = fitted(m.otn, 'mount', c.tree ?? 'dp-probe tree', 'real open_tree(OPEN_TREE_NAMESPACE|AT_RECURSIVE) + setns, measured on this kernel')
  } else if (scaling) {
    otn = fitted(
      m.otc,
      'mount',
      c.tree ?? 'dp-probe tree',
      `stand-in: open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) + unshare(CLONE_NEWNS) in a ~20-mount namespace, measured here, both coefficients × ${roundTo(scaling.ratio, 3)} (otn/otc ratio on Linux ${scaling.kernel}, ${scaling.file})`,
      (f) => scaled(f, scaling.ratio),
    )
  } else {
    otn = fitted(
      m.otc,
      'mount',
      c.tree ?? 'dp-probe tree',
      'stand-in: open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) + unshare(CLONE_NEWNS), unscaled (no --otn-reference given); this kernel has no OPEN_TREE_NAMESPACE',
    )
  }
  const kernelCosts: Omit<KernelModel['costs'], 'forkExecOverhead'> = {
    copy: fitted(
      m.copy,
      'mount',
      c.legacy ?? 'dp-probe legacy',
      `${T} of unshare(CLONE_NEWNS) in a forked child; x = mounts in the caller namespace (shared peer groups, like systemd's /)`,
      (f) => f,
      fitLinearOnMedians,
      true,
    ),
    chtype: fitted(
      m.chtype,
      'mount',
      c.legacy ?? 'dp-probe legacy',
      `${T} of mount("/", MS_SLAVE|MS_REC) right after the copy`,
      (f) => f,
      fitLinearOnMedians,
      true,
    ),
    attach,
    pivot: fitted(
      m.pivot,
      'thread',
      c.pivot ?? 'dp-probe pivot',
      `${T} of pivot_root(".", ".") into a fresh tmpfs; x = threads on the system (/proc/loadavg), raised by a helper holding sleeping threads. Line through the per-x 10%-trimmed means, not medians: the walk over every thread is fast or about twice as slow (likely the task list warm or cold in cache) in a mix that varies, and the median jumps between the two`,
      (f) => f,
      (points) => fitLinearOnTrimmedMeans(points, PIVOT_TRIM),
    ),
    umount: fitted(
      m.umount,
      'mount',
      c.legacy ?? 'dp-probe legacy',
      `${T} of umount2(old root, MNT_DETACH) after pivot_root, intercept minus the median ${m.clock === 'wall' ? 'wall' : 'CPU'} time of a one-mount lazy detach (${Math.round(detachCpuMedian)} ns: ${m.clock === 'wall' ? 'the expedited grace period' : "the caller's share of the expedited grace period"}, charged through rcuGp). The per-mount part includes the final mntput of each detached mount after namespace_unlock, which user space cannot separate from the locked part`,
      (f) => minusFixed(f, detachCpuMedian),
      fitLinearOnMedians,
      true,
    ),
    rcuGp: empirical(
      m.detachLazyWall,
      c.attach ?? 'dp-probe attach',
      `wall time of umount2(one bind mount, MNT_DETACH) in a slave copy: namespace_unlock's synchronize_rcu_expedited dominates (includes a few µs of write section). Of it, a median ${Math.round(detachCpuMedian)} ns was CPU time of the caller (expedited grace periods on a 2-vCPU VM are partly busy)`,
    ),
    teardown: fitted(
      m.teardown,
      'mount',
      c.tree ?? 'dp-probe tree',
      `${T} of close() of the last fd on a k-mount container namespace (pivoted, old root detached): put_mnt_ns → umount_tree. No grace-period-sized wait was seen in this path on this kernel, so none is subtracted`,
    ),
    propPerPeer: propCost(m, c.prop ?? 'dp-probe prop'),
    mountinfoChunk: fitted(
      m.mountinfo,
      'line',
      c.mountinfo ?? 'dp-probe mountinfo',
      `${T} of one read() of /proc/self/mountinfo with 256 B–4 KiB buffers (one m_start..m_stop cycle each); x = lines returned`,
    ),
    otn,
    dclone: fitted(m.dclone, 'mount', c.tree ?? 'dp-probe tree', `${T} of open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) of a k-mount tree`),
    moveAttach: fixed(m.moveAttach, c.attach ?? 'dp-probe attach', `${T} of move_mount of a pre-opened OPEN_TREE_CLONE of one directory into a slave copy`),
    wakeLatency: empirical(
      m.wake,
      c.wake ?? 'dp-probe wake',
      'FUTEX_WAKE → the woken thread running (wake_up_process, as rwsem_wake uses); waker sleeps 300 µs first so the sleeper is really asleep',
    ),
  }
  const costs: KernelModel['costs'] = {...kernelCosts, forkExecOverhead: forkExec(m, kernelCosts, notes)}
  const overheadCpu = forkExecCpu(m, kernelCosts)
  if (overheadCpu) costs.forkExecCpu = overheadCpu
  const perMount = runtimePerMount(m, kernelCosts)
  if (perMount) costs.runtimePerMount = perMount
  if (m.contention.length > 0) costs.cpuContention = cpuContention(m.contention, c.contention ?? 'dp-probe contention')
  if (m.cgroupSync && m.cgroupSync.wall.length > 0) {
    const detachCommand = Object.entries(c)
      .filter(([k]) => k.startsWith('cgroupdetach'))
      .map(([, v]) => v)
      .join('; ')
    const sync = cgroupSync(
      m.cgroupSync,
      c.cgroupsync ?? 'dp-probe cgroupsync',
      m.crun?.cpuNs ? {startNs: m.crun.startNs, cpuNs: m.crun.cpuNs} : undefined,
      detachCommand || undefined,
    )
    if (sync) costs.cgroupSync = sync
    else
      notes.push(
        'cgroupSync: the probe was not in the initial cgroup namespace (a pod with its own), where cgroup2 mounts skip the lock a node runtime takes; not measured',
      )
  }
  return {costs, notes}
}

/**
 * slowdown(b) = median CPU time per spawn with b loops at once ÷ the median with one loop, for
 * b = 1..the largest b measured (slowdown(1) = 1 by construction). Medians per b, so a
 * repetition preempted by the machine's other load does not move the curve.
 */
export function cpuContention(points: readonly FitPoint[], command: string): CpuContention {
  const byBusy = new Map<number, number[]>()
  for (const p of points) {
    const list = byBusy.get(p.x) ?? []
    list.push(p.ns)
    byBusy.set(p.x, list)
  }
  const maxBusy = Math.max(...byBusy.keys())
  const base = byBusy.get(1)
  if (!base) throw new Error('cpu contention: no measurement with one busy core')
  const baseNs = medianNs(base)
  const out: CpuContention['points'] = []
  const medians: string[] = []
  const clamped: string[] = []
  // A slowdown below 1 (busy cores making one core faster) is physically impossible: noise
  // between the b = 1 and b > 1 repetitions. It is clamped to 1 and said so in the note.
  const atLeastOne = (v: number, what: string): number => {
    if (v >= 1) return roundTo(v, 3)
    clamped.push(`${what} ${roundTo(v, 3)}`)
    return 1
  }
  for (let b = 1; b <= maxBusy; b++) {
    const values = byBusy.get(b)
    if (!values) throw new Error(`cpu contention: no measurement with ${b} busy cores`)
    const med = medianNs(values)
    medians.push(`${b}: ${(med / 1e6).toFixed(2)} ms`)
    if (b === 1) {
      out.push({busyCores: 1, slowdown: 1})
      continue
    }
    const slowdown = atLeastOne(med / baseNs, `slowdown at ${b} busy cores`)
    // Spread: every repetition at b against the median at b = 1, then the same for every repetition at 1.
    const ratios = [...values.map((v) => v / baseNs), ...base.map((v) => med / v)]
    const low = Math.min(slowdown, atLeastOne(Math.min(...ratios), `low end at ${b} busy cores`))
    const high = Math.max(slowdown, roundTo(Math.max(...ratios, 1), 3))
    out.push({busyCores: b, slowdown, ...(values.length > 1 || base.length > 1 ? {low, high} : {})})
  }
  const clampNote = clamped.length ? `; clamped to 1 (a slowdown below 1 is impossible, so it is noise): ${clamped.join(', ')}` : ''
  return {
    points: out,
    source: {
      command,
      samples: points.length,
      note: `CPU time (user + system, getrusage RUSAGE_CHILDREN) per fork + execve(/bin/true) + waitpid with b such loops running at once, median over repetitions per b (${medians.join(', ')}), divided by the median at b = 1; low/high: the lowest and highest single repetition against the other count's median. Not mount work: the machine's cores slowing each other down; the simulator applies it to all CPU work by busy fraction${clampNote}`,
    },
  }
}

const at = (c: LinearCost, x: number): number => costAtNs(c, x)

/** Median of a duration distribution, ns. */
export function distributionMedianNs(d: DurationDistribution): number {
  if (d.kind === 'fixed') return d.ns
  if (d.kind === 'lognormal') return d.medianNs
  return medianNs(d.samplesNs)
}

/**
 * The mount steps of one legacy `crun run /bin/true` start as the simulator charges them with no
 * contention (src/sim/paths/legacy.ts + teardown.ts): copy and make-slave of M mounts, one attach
 * per container mount (rootfs + runtime mounts = k), pivot_root over T threads, the old-root
 * detach, teardown of k mounts, and the median grace period after the detach and the teardown.
 */
export function modelledStartStepsNs(costs: Omit<KernelModel['costs'], 'forkExecOverhead'>, mounts: number, threads: number, containerMounts: number): number {
  const k = containerMounts
  return (
    at(costs.copy, mounts) +
    at(costs.chtype, mounts) +
    k * costs.attach.ns +
    at(costs.pivot, threads) +
    at(costs.umount, mounts) +
    at(costs.teardown, k) +
    2 * distributionMedianNs(costs.rcuGp)
  )
}

/**
 * The CPU part of a start's non-mount overhead: the median CPU time of the measured starts
 * (rusage of the runtime and its children) minus the modelled steps' CPU (the steps without
 * their two grace periods, which are waits). At least 0.
 */
export function overheadCpuNs(cpuNs: readonly number[], costs: Omit<KernelModel['costs'], 'forkExecOverhead'>, stepsNs: number): number {
  return Math.max(0, Math.round(medianNs([...cpuNs]) - (stepsNs - 2 * distributionMedianNs(costs.rcuGp))))
}

/**
 * The non-mount part of each measured start: wall time minus the modelled mount steps (≥ 0).
 * With the starts' CPU times (same order), a start's off-CPU time beyond the median start's is
 * taken out too: those are waits the simulator charges itself where they happen (the grace
 * periods: rcuGp, cgroupSync) or other tenants' preemption, and left in they would be charged
 * twice, in the overhead's tail and again by the model (validate at M≈0, C=1: a p99 of 16–33 ms
 * against a p50 of 6–9 ms, from grace-period waits, inflated every predicted p99 at C ≥ 4).
 */
export function nonMountSamplesNs(startNs: readonly number[], stepsNs: number, cpuNs?: readonly number[]): number[] {
  const excess = cpuNs && cpuNs.length === startNs.length ? offCpuExcessNs(startNs, cpuNs) : undefined
  return startNs.map((ns, i) => Math.max(0, Math.round(ns - stepsNs - (excess ? Math.max(0, excess[i]!) : 0)))).sort((a, b) => a - b)
}

function propCost(m: Measurements, command: string): FixedCost {
  const fit = fitLinearOnMedians(m.prop)
  return {
    ns: roundTo(fit.perUnitNs, 3),
    source: {
      command,
      samples: fit.samples,
      r2: roundTo(fit.r2, 3),
      residualP90Ns: Math.round(fit.residualP90Ns),
      note: `slope of a host bind mount's ${m.clock === 'wall' ? 'wall' : 'CPU'} time vs P in-flight slave copies (fixed part ${Math.round(fit.fixedNs)} ns)`,
    },
  }
}

/**
 * The non-mount part of one runtime start: crun's wall time at M≈0, C=1 minus the modelled
 * mount steps of that start (modelledStartStepsNs, from this run's own costs). Without crun, the
 * probe's fork+exec+wait of /bin/true stands in.
 */
function forkExec(m: Measurements, costs: Omit<KernelModel['costs'], 'forkExecOverhead'>, notes: string[]): DurationDistribution {
  if (m.kubeletRuntime) {
    const {mounts, threads, containerMounts: k, startNs, source, command} = m.kubeletRuntime
    const stepsNs = modelledStartStepsNs(costs, mounts, threads, k)
    notes.push(
      `forkExecOverhead: ${source}; median ${Math.round(medianNs(startNs) / 1000)} µs minus ${Math.round(stepsNs / 1000)} µs of modelled mount steps at the node's M=${mounts} mounts, T=${threads} threads and k=${k} container mounts`,
    )
    return {
      kind: 'empirical',
      samplesNs: nonMountSamplesNs(startNs, stepsNs),
      source: {command, samples: startNs.length, note: `${source}, minus ${Math.round(stepsNs)} ns of modelled mount steps`},
    }
  }
  if (!m.crun) {
    notes.push(
      "forkExecOverhead: crun not available, so the probe's fork + execve(/bin/true) + waitpid stands in; it omits the runtime's own work (config parsing, namespaces, cgroups)",
    )
    return empirical(m.forkExec, m.commands.forkexec ?? 'dp-probe forkexec', 'fork + execve(/bin/true) + waitpid (crun unavailable)')
  }
  const {mounts, threads, containerMounts: k} = m.crun
  const stepsNs = modelledStartStepsNs(costs, mounts, threads, k)
  notes.push(
    `forkExecOverhead: ${m.crun.version} run of /bin/true, ${m.crun.startNs.length} starts at C=1 in a namespace with M=${mounts} mounts and T=${threads} threads; median wall ${Math.round(medianNs(m.crun.startNs) / 1000)} µs minus ${Math.round(stepsNs / 1000)} µs of modelled mount steps (copy, chtype, ${k} attaches, pivot, detach, teardown of ${k} mounts, 2 median grace periods)`,
  )
  return {
    kind: 'empirical',
    samplesNs: nonMountSamplesNs(m.crun.startNs, stepsNs, m.crun.cpuNs),
    source: {
      command: m.commands.crun ?? 'dp-probe run-load --concurrency 1 -- crun run',
      samples: m.crun.startNs.length,
      note: `crun run /bin/true wall time at M=${mounts}, C=1 minus ${Math.round(stepsNs)} ns of modelled mount steps; k_c=${k} mounts counted inside a real container`,
    },
  }
}

/** costs.forkExecCpu from the crun starts at M≈0, C=1 when their CPU time was measured. */
function forkExecCpu(m: Measurements, costs: Omit<KernelModel['costs'], 'forkExecOverhead'>): FixedCost | undefined {
  if (m.kubeletRuntime || !m.crun?.cpuNs?.length) return undefined
  const {mounts, threads, containerMounts: k, cpuNs} = m.crun
  const stepsNs = modelledStartStepsNs(costs, mounts, threads, k)
  return {
    ns: overheadCpuNs(cpuNs, costs, stepsNs),
    source: {
      command: m.commands.crun ?? 'dp-probe run-load --concurrency 1 -- crun run',
      samples: cpuNs.length,
      note: `median CPU time (rusage of crun and its children) of the same starts minus the modelled steps' CPU; the rest of a forkExecOverhead sample is off-CPU wait, so the simulator runs at most this much of it on a core`,
    },
  }
}

/**
 * The runtime's own CPU per host mount outside namespace_sem: crun's start at M₁ (thousands of
 * mounts added) minus its start at M₀≈20, both at C=1, minus the growth of the modelled mount
 * steps between them (copy, make-slave, old-root detach: modelledStartStepsNs), per mount.
 * perf shows what it is: crun and libc parsing /proc/mounts line by line, page faults and exit
 * work that grow with the table (docs/calibrate.md). A negative value (noise) is clamped to 0
 * with a note. The spread comes from the medians of the M₁ starts' repetition groups.
 */
export function runtimePerMount(m: Measurements, costs: Omit<KernelModel['costs'], 'forkExecOverhead'>): FixedCost | undefined {
  const c = m.crun
  if (!c?.atMounts || !c.cpuNs?.length || c.atMounts.mounts <= c.mounts) return undefined
  const k = c.containerMounts
  const dM = c.atMounts.mounts - c.mounts
  // What the simulator's legacy path charges on top of modelledStartStepsNs per mount: the second
  // propagation pass over the old root and the runtime's read of the table (src/sim/paths/legacy.ts).
  const perLineRead = costs.mountinfoChunk.fixedNs / MOUNTINFO_LINES_PER_CHUNK + costs.mountinfoChunk.perUnitNs
  const stepsGrowth =
    modelledStartStepsNs(costs, c.atMounts.mounts, c.atMounts.threads, k) -
    modelledStartStepsNs(costs, c.mounts, c.threads, k) +
    at(costs.chtype, c.atMounts.mounts) -
    at(costs.chtype, c.mounts) +
    perLineRead * dM
  // CPU time, not wall time: the work itself, which other tenants on a shared machine do not inflate.
  const base = medianNs(c.cpuNs)
  const per = (cpuAtM1: number) => (cpuAtM1 - base - stepsGrowth) / dM
  const raw = per(medianNs(c.atMounts.cpuNs))
  const groups = repetitionGroups(c.atMounts.cpuNs.map((ns) => ({x: 1, ns}))).filter((g) => g.length > 0)
  const groupValues = groups.map((g) => Math.max(0, per(medianNs(g.map((p) => p.ns)))))
  const ns = Math.max(0, raw)
  const clampNote = raw < 0 ? `; the difference was negative (${roundTo(raw, 3)} ns/mount: noise), clamped to 0` : ''
  return {
    ns: roundTo(ns, 3),
    source: {
      command: m.commands.crunMounts ?? 'dp-probe run-load --concurrency 1 -- crun run',
      samples: c.atMounts.cpuNs.length,
      note: `(median CPU time of a crun start, rusage of crun and its children, at M=${c.atMounts.mounts} − median at M=${c.mounts}, both C=1) − ${Math.round(stepsGrowth / 1000)} µs growth of the simulated mount steps (copy, two propagation passes, table read, detach), ÷ ${dM} mounts: the runtime's per-mount CPU outside namespace_sem (user-space parsing of /proc/mounts, page faults, exit)${clampNote}`,
    },
    ...(groups.length === SPREAD_GROUPS
      ? {
          spread: {
            ns: {low: roundTo(Math.min(ns, ...groupValues), 3), high: roundTo(Math.max(ns, ...groupValues), 3)},
            method: 'min/max over 3 interleaved repetition groups of the M₁ starts (median of each) and the median of all',
          },
        }
      : {}),
  }
}
