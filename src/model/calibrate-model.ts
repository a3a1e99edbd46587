import type {CpuContention, DurationDistribution, FixedCost, KernelModel, LinearCost} from '../model/schema.js'
import {fitLinearOnMedians, medianNs, spreadP90Ns, type FitPoint, type LinearFit} from '../stats/fit.js'
import {roundTo} from '../stats/round.js'

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
  /** crun run /bin/true at M≈0, C=1, with the namespace's mounts and threads, when crun exists. */
  crun?: {version: string; startNs: number[]; mounts: number; threads: number; containerMounts: number}
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

function linear(fit: LinearFit, unit: LinearCost['unit'], command: string, note?: string): LinearCost {
  const clampNote = fit.clamped.length ? `negative ${fit.clamped.join(' and ')} coefficient clamped to 0` : undefined
  const text = [note, clampNote].filter(Boolean).join('; ')
  return {
    fixedNs: Math.round(fit.fixedNs),
    perUnitNs: roundTo(fit.perUnitNs, 3),
    unit,
    source: {command, samples: fit.samples, r2: roundTo(fit.r2, 3), residualP90Ns: Math.round(fit.residualP90Ns), ...(text ? {note: text} : {})},
  }
}

function fixed(values: number[], command: string, note?: string): FixedCost {
  return {ns: Math.round(medianNs(values)), source: {command, samples: values.length, residualP90Ns: Math.round(spreadP90Ns(values)), ...(note ? {note} : {})}}
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
  const attach = fixed(m.attach, c.attach ?? 'dp-probe attach', `${T} of mount(MS_BIND) of one directory in a slave copy (path lookup + do_loopback write section)`)
  const teardownFit = fitLinearOnMedians(m.teardown)
  const umountFit = fitLinearOnMedians(m.umount)
  const notes: string[] = []
  let otn: LinearCost
  if (m.otn.length > 0) {
    otn = linear(fitLinearOnMedians(m.otn), 'mount', c.tree ?? 'dp-probe tree', 'real open_tree(OPEN_TREE_NAMESPACE|AT_RECURSIVE) + setns, measured on this kernel')
  } else if (scaling) {
    otn = linear(scaled(fitLinearOnMedians(m.otc), scaling.ratio), 'mount', c.tree ?? 'dp-probe tree', `stand-in: open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) + unshare(CLONE_NEWNS) in a ~20-mount namespace, measured here, both coefficients × ${roundTo(scaling.ratio, 3)} (otn/otc ratio on Linux ${scaling.kernel}, ${scaling.file})`)
  } else {
    otn = linear(fitLinearOnMedians(m.otc), 'mount', c.tree ?? 'dp-probe tree', 'stand-in: open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) + unshare(CLONE_NEWNS), unscaled (no --otn-reference given); this kernel has no OPEN_TREE_NAMESPACE')
  }
  const kernelCosts: Omit<KernelModel['costs'], 'forkExecOverhead'> = {
    copy: linear(fitLinearOnMedians(m.copy), 'mount', c.legacy ?? 'dp-probe legacy', `${T} of unshare(CLONE_NEWNS) in a forked child; x = mounts in the caller namespace (shared peer groups, like systemd's /)`),
    chtype: linear(fitLinearOnMedians(m.chtype), 'mount', c.legacy ?? 'dp-probe legacy', `${T} of mount("/", MS_SLAVE|MS_REC) right after the copy`),
    attach,
    pivot: linear(fitLinearOnMedians(m.pivot), 'thread', c.pivot ?? 'dp-probe pivot', `${T} of pivot_root(".", ".") into a fresh tmpfs; x = threads on the system (/proc/loadavg), raised by a helper holding sleeping threads`),
    umount: linear(minusFixed(umountFit, detachCpuMedian), 'mount', c.legacy ?? 'dp-probe legacy', `${T} of umount2(old root, MNT_DETACH) after pivot_root, intercept minus the median ${m.clock === 'wall' ? 'wall' : 'CPU'} time of a one-mount lazy detach (${Math.round(detachCpuMedian)} ns: ${m.clock === 'wall' ? 'the expedited grace period' : 'the caller\'s share of the expedited grace period'}, charged through rcuGp). The per-mount part includes the final mntput of each detached mount after namespace_unlock, which user space cannot separate from the locked part`),
    rcuGp: empirical(m.detachLazyWall, c.attach ?? 'dp-probe attach', `wall time of umount2(one bind mount, MNT_DETACH) in a slave copy: namespace_unlock's synchronize_rcu_expedited dominates (includes a few µs of write section). Of it, a median ${Math.round(detachCpuMedian)} ns was CPU time of the caller (expedited grace periods on a 2-vCPU VM are partly busy)`),
    teardown: linear(teardownFit, 'mount', c.tree ?? 'dp-probe tree', `${T} of close() of the last fd on a k-mount container namespace (pivoted, old root detached): put_mnt_ns → umount_tree. No grace-period-sized wait was seen in this path on this kernel, so none is subtracted`),
    propPerPeer: propCost(m, c.prop ?? 'dp-probe prop'),
    mountinfoChunk: linear(fitLinearOnMedians(m.mountinfo), 'line', c.mountinfo ?? 'dp-probe mountinfo', `${T} of one read() of /proc/self/mountinfo with 256 B–4 KiB buffers (one m_start..m_stop cycle each); x = lines returned`),
    otn,
    dclone: linear(fitLinearOnMedians(m.dclone), 'mount', c.tree ?? 'dp-probe tree', `${T} of open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) of a k-mount tree`),
    moveAttach: fixed(m.moveAttach, c.attach ?? 'dp-probe attach', `${T} of move_mount of a pre-opened OPEN_TREE_CLONE of one directory into a slave copy`),
    wakeLatency: empirical(m.wake, c.wake ?? 'dp-probe wake', 'FUTEX_WAKE → the woken thread running (wake_up_process, as rwsem_wake uses); waker sleeps 300 µs first so the sleeper is really asleep'),
  }
  const costs: KernelModel['costs'] = {...kernelCosts, forkExecOverhead: forkExec(m, kernelCosts, notes)}
  if (m.contention.length > 0) costs.cpuContention = cpuContention(m.contention, c.contention ?? 'dp-probe contention')
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
  for (let b = 1; b <= maxBusy; b++) {
    const values = byBusy.get(b)
    if (!values) throw new Error(`cpu contention: no measurement with ${b} busy cores`)
    const med = medianNs(values)
    out.push({busyCores: b, slowdown: b === 1 ? 1 : roundTo(med / baseNs, 3)})
    medians.push(`${b}: ${(med / 1e6).toFixed(2)} ms`)
  }
  return {
    points: out,
    source: {
      command,
      samples: points.length,
      note: `CPU time (user + system, getrusage RUSAGE_CHILDREN) per fork + execve(/bin/true) + waitpid with b such loops running at once, median over repetitions per b (${medians.join(', ')}), divided by the median at b = 1. Not mount work: the machine's cores slowing each other down; the simulator applies it to all CPU work by busy fraction`,
    },
  }
}

const at = (c: LinearCost, x: number) => c.fixedNs + c.perUnitNs * x

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
  return at(costs.copy, mounts) + at(costs.chtype, mounts) + k * costs.attach.ns + at(costs.pivot, threads) + at(costs.umount, mounts) + at(costs.teardown, k) + 2 * distributionMedianNs(costs.rcuGp)
}

/** The non-mount part of each measured start: wall time minus the modelled mount steps (≥ 0). */
export function nonMountSamplesNs(startNs: readonly number[], stepsNs: number): number[] {
  return startNs.map((ns) => Math.max(0, Math.round(ns - stepsNs))).sort((a, b) => a - b)
}

function propCost(m: Measurements, command: string): FixedCost {
  const fit = fitLinearOnMedians(m.prop)
  return {ns: roundTo(fit.perUnitNs, 3), source: {command, samples: fit.samples, r2: roundTo(fit.r2, 3), residualP90Ns: Math.round(fit.residualP90Ns), note: `slope of a host bind mount's ${m.clock === 'wall' ? 'wall' : 'CPU'} time vs P in-flight slave copies (fixed part ${Math.round(fit.fixedNs)} ns)`}}
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
    notes.push(`forkExecOverhead: ${source}; median ${Math.round(medianNs(startNs) / 1000)} µs minus ${Math.round(stepsNs / 1000)} µs of modelled mount steps at the node's M=${mounts} mounts, T=${threads} threads and k=${k} container mounts`)
    return {kind: 'empirical', samplesNs: nonMountSamplesNs(startNs, stepsNs), source: {command, samples: startNs.length, note: `${source}, minus ${Math.round(stepsNs)} ns of modelled mount steps`}}
  }
  if (!m.crun) {
    notes.push('forkExecOverhead: crun not available, so the probe\'s fork + execve(/bin/true) + waitpid stands in; it omits the runtime\'s own work (config parsing, namespaces, cgroups)')
    return empirical(m.forkExec, m.commands.forkexec ?? 'dp-probe forkexec', 'fork + execve(/bin/true) + waitpid (crun unavailable)')
  }
  const {mounts, threads, containerMounts: k} = m.crun
  const stepsNs = modelledStartStepsNs(costs, mounts, threads, k)
  notes.push(`forkExecOverhead: ${m.crun.version} run of /bin/true, ${m.crun.startNs.length} starts at C=1 in a namespace with M=${mounts} mounts and T=${threads} threads; median wall ${Math.round(medianNs(m.crun.startNs) / 1000)} µs minus ${Math.round(stepsNs / 1000)} µs of modelled mount steps (copy, chtype, ${k} attaches, pivot, detach, teardown of ${k} mounts, 2 median grace periods)`)
  return {kind: 'empirical', samplesNs: nonMountSamplesNs(m.crun.startNs, stepsNs), source: {command: m.commands.crun ?? 'dp-probe run-load --concurrency 1 -- crun run', samples: m.crun.startNs.length, note: `crun run /bin/true wall time at M=${mounts}, C=1 minus ${Math.round(stepsNs)} ns of modelled mount steps; k_c=${k} mounts counted inside a real container`}}
}
