import {InputError} from '../errors/errors.js'
import {DURATION_UNITS, parseDurationNs} from '../lib/duration.js'
import type {KernelChoice, WorkloadKind} from '../domain/simulation.js'

/**
 * `densityplan simulate` flags as oclif hands them over (numbers still as typed, so that a bad
 * value is reported with its flag and valid range in one line), and their validated form.
 */
export interface SimulateFlags {
  kernel: string
  model?: string
  'otn-model'?: string
  workload: string
  pods?: string
  rate?: string
  duration?: string
  concurrency?: string
  starts?: string
  'containers-per-pod': string
  'init-containers': string
  'volumes-per-pod': string
  'host-mounts-per-pod'?: string
  'rootfs-mounts': string
  'runtime-mounts': string
  'runtime-overhead': string
  'pod-overhead'?: string
  pod: boolean
  'legacy-fallback': string
  cores: string
  'system-threads': string
  'host-mounts': string
  'mountinfo-readers': string
  'mountinfo-interval': string
  replications: string
  seed: string
  /** Opt-in approximation (Scenario.sectionsKeepCore); absent = off. */
  'sections-keep-core'?: boolean
}

export type WorkloadRequest =
  {kind: 'burst'; pods: number} | {kind: 'poisson'; ratePerSec: number; durationNs: number} | {kind: 'closed'; concurrency: number; starts: number}

export interface SimulateRequest {
  kernel: KernelChoice
  modelPath?: string
  otnModelPath?: string
  workload: WorkloadRequest
  pod: boolean
  containersPerPod: number
  initContainers: number
  volumesPerPod: number
  /** Explicit --host-mounts-per-pod, or undefined to derive it from the pod shape. */
  hostMountsPerPod?: number
  rootfsMounts: number
  runtimeMounts: number
  /** 'model' = the model's forkExecOverhead distribution; otherwise a fixed cost in ns. */
  runtimeOverhead: 'model' | number
  podOverheadNs: number | null
  /** Fraction of OTN-path containers that crun starts the legacy way (OCI hooks, user namespaces). */
  legacyFallback: number
  cores: number
  systemThreads: number
  hostMounts: number
  mountinfoReaders: number
  mountinfoIntervalNs: number
  replications: number
  seed: number
  /**
   * Opt-in, changes results (Scenario.sectionsKeepCore, src/sim/README.md): a task keeps its core
   * between the back-to-back namespace_sem sections of one step. Absent = off, the default model.
   */
  sectionsKeepCore?: boolean
}

/** Valid ranges. Upper bounds are past anything real (leaked nodes reach ~37k mounts) but keep a run finite. */
export const LIMITS = {
  pods: {min: 1, max: 10_000},
  rate: {min: 0.001, max: 10_000},
  durationNs: {min: 1e6, max: 3600e9},
  concurrency: {min: 1, max: 1024},
  starts: {min: 1, max: 1_000_000},
  'containers-per-pod': {min: 1, max: 64},
  'init-containers': {min: 0, max: 32},
  'volumes-per-pod': {min: 0, max: 256},
  'host-mounts-per-pod': {min: 0, max: 4096},
  'rootfs-mounts': {min: 1, max: 1024},
  'runtime-mounts': {min: 0, max: 1024},
  'legacy-fallback': {min: 0, max: 1},
  cores: {min: 1, max: 1024},
  'system-threads': {min: 1, max: 4_000_000},
  'host-mounts': {min: 0, max: 500_000},
  'mountinfo-readers': {min: 0, max: 1024},
  'mountinfo-interval': {min: 1e5, max: 3600e9},
  replications: {min: 1, max: 1000},
  seed: {min: 0, max: 0xffff_ffff},
  /** Container starts one kernel path may simulate over all replications. */
  totalStarts: 5_000_000,
} as const

export const KERNELS: readonly KernelChoice[] = ['legacy', 'otn', 'both']
export const WORKLOADS: readonly WorkloadKind[] = ['burst', 'poisson', 'closed']

/** Host mounts a pod adds besides its volumes: sandbox rootfs, /dev/shm, netns bind (docs/kernel-model.md). */
export const SANDBOX_HOST_MOUNTS = 3

/**
 * Host mounts one pod adds when --host-mounts-per-pod is not given: the sandbox's three, one
 * overlay rootfs per (init) container, one tmpfs per secret/projected volume. Bare runtime
 * starts (--no-pod) add none.
 */
export function derivedHostMountsPerPod(req: Pick<SimulateRequest, 'pod' | 'containersPerPod' | 'initContainers' | 'volumesPerPod'>): number {
  return req.pod ? SANDBOX_HOST_MOUNTS + req.containersPerPod + req.initContainers + req.volumesPerPod : 0
}

/** Turns raw flags into a request, or throws one InputError naming the flag and the valid values. */
export function parseSimulateFlags(f: SimulateFlags): SimulateRequest {
  const kernel = oneOf('--kernel', f.kernel, KERNELS)
  const kind = oneOf('--workload', f.workload, WORKLOADS)
  const workload = parseWorkload(kind, f)
  if (kernel === 'otn' && f.model !== undefined && f['otn-model'] === undefined) {
    throw new InputError('--model sets the legacy-path model, but --kernel otn does not use it', 'pass the OPEN_TREE_NAMESPACE model with --otn-model FILE')
  }
  if (kernel === 'legacy' && f['otn-model'] !== undefined) {
    throw new InputError('--otn-model is not used with --kernel legacy', 'drop --otn-model, or use --kernel otn or --kernel both')
  }
  const replications = int('replications', f.replications)
  const legacyFallback = num('legacy-fallback', f['legacy-fallback'], false)
  if (kernel === 'legacy' && legacyFallback > 0) {
    throw new InputError('--legacy-fallback applies to the otn path, not --kernel legacy', 'drop --legacy-fallback, or use --kernel otn or --kernel both')
  }
  const req: SimulateRequest = {
    kernel,
    workload,
    pod: f.pod,
    containersPerPod: int('containers-per-pod', f['containers-per-pod']),
    initContainers: int('init-containers', f['init-containers']),
    volumesPerPod: int('volumes-per-pod', f['volumes-per-pod']),
    rootfsMounts: int('rootfs-mounts', f['rootfs-mounts']),
    runtimeMounts: int('runtime-mounts', f['runtime-mounts']),
    runtimeOverhead:
      f['runtime-overhead'] === 'model'
        ? 'model'
        : duration('--runtime-overhead', f['runtime-overhead'], {min: 0, max: 60e9}, "a duration like 2ms, or 'model'"),
    podOverheadNs: f['pod-overhead'] === undefined ? null : duration('--pod-overhead', f['pod-overhead'], {min: 0, max: 600e9}),
    legacyFallback,
    cores: int('cores', f.cores),
    systemThreads: int('system-threads', f['system-threads']),
    hostMounts: int('host-mounts', f['host-mounts']),
    mountinfoReaders: int('mountinfo-readers', f['mountinfo-readers']),
    mountinfoIntervalNs: duration('--mountinfo-interval', f['mountinfo-interval'], LIMITS['mountinfo-interval']),
    replications,
    seed: int('seed', f.seed),
  }
  if (f.model !== undefined) req.modelPath = f.model
  if (f['otn-model'] !== undefined) req.otnModelPath = f['otn-model']
  if (f['host-mounts-per-pod'] !== undefined) req.hostMountsPerPod = int('host-mounts-per-pod', f['host-mounts-per-pod'])
  if (f['sections-keep-core'] === true) req.sectionsKeepCore = true
  checkTotalWork(req)
  return req
}

function parseWorkload(kind: WorkloadKind, f: SimulateFlags): WorkloadRequest {
  const owners = {pods: 'burst', rate: 'poisson', duration: 'poisson', concurrency: 'closed', starts: 'closed'} as const
  for (const [flag, owner] of Object.entries(owners)) {
    if (f[flag as keyof typeof owners] !== undefined && owner !== kind) {
      throw new InputError(`--${flag} applies to --workload ${owner}, not --workload ${kind}`, `drop --${flag}, or use --workload ${owner}`)
    }
  }
  if (kind === 'burst') return {kind, pods: int('pods', f.pods ?? '30')}
  if (kind === 'poisson') {
    return {kind, ratePerSec: num('rate', f.rate ?? '1', false), durationNs: duration('--duration', f.duration ?? '60s', LIMITS.durationNs)}
  }
  return {kind, concurrency: int('concurrency', f.concurrency ?? '8'), starts: int('starts', f.starts ?? '1000')}
}

/** Expected container starts per kernel path over all replications, capped so a typo cannot run for hours. */
function checkTotalWork(req: SimulateRequest): void {
  const w = req.workload
  const perPod = req.pod ? req.containersPerPod + req.initContainers + 1 : 1
  const starts = w.kind === 'closed' ? w.starts : w.kind === 'burst' ? w.pods * perPod : w.ratePerSec * (w.durationNs / 1e9) * perPod
  const total = starts * req.replications
  if (total > LIMITS.totalStarts) {
    throw new InputError(
      `this run would simulate about ${Math.round(total).toLocaleString('en-US')} container starts per kernel, more than the ${LIMITS.totalStarts.toLocaleString('en-US')} allowed`,
      'lower --replications or the workload size (--starts, --pods, --rate × --duration)',
    )
  }
}

function oneOf<T extends string>(flag: string, value: string, valid: readonly T[]): T {
  if ((valid as readonly string[]).includes(value)) return value as T
  throw new InputError(`${flag} ${JSON.stringify(value)} is not one of ${valid.join(', ')}`, `use ${flag} ${valid.join('|')}`)
}

type LimitName = Exclude<keyof typeof LIMITS, 'totalStarts' | 'durationNs' | 'mountinfo-interval'>

function int(name: LimitName, raw: string): number {
  return num(name, raw, true)
}

function num(name: LimitName, raw: string, integer: boolean): number {
  const {min, max} = LIMITS[name]
  const range = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`
  const value = raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new InputError(`--${name} ${raw} is out of range: expected ${range}`, `pass --${name} with ${range}`)
  }
  return value
}

function duration(flag: string, raw: string, range: {min: number; max: number}, expected = 'a duration like 500ms, 30s or 2m'): number {
  const ns = parseDurationNs(raw)
  const bounds = `from ${formatNs(range.min)} to ${formatNs(range.max)}`
  if (ns === undefined)
    throw new InputError(`${flag} ${JSON.stringify(raw)} is not ${expected}`, `pass ${flag} as ${expected} (units ${DURATION_UNITS}), ${bounds}`)
  if (ns < range.min || ns > range.max) throw new InputError(`${flag} ${raw} is out of range: expected ${bounds}`, `pass ${flag} ${bounds}`)
  return ns
}

function formatNs(ns: number): string {
  if (ns === 0) return '0s'
  for (const [unit, size] of [
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
  ] as const)
    if (ns >= size && ns % size === 0) return `${ns / size}${unit}`
  return `${ns}ns`
}
