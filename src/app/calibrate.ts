import {existsSync, readFileSync} from 'node:fs'
import {arch as osArch, cpus, loadavg, release as osRelease} from 'node:os'
import {gunzipSync} from 'node:zlib'
import {InputError} from '../errors/errors.js'
import {writeFileAtomic} from '../io/atomic-write.js'
import {buildCrunBundle, requireCrun} from '../io/crun-bundle.js'
import {runCrunLoad} from '../io/crun-load.js'
import {series, type ProbeOutput, type ProbePoint} from '../io/probe-output.js'
import {ensureProbe, localProbe, packageRoot, requireRootLinux, runProbe, type ProbeChannel} from '../io/probe-runner.js'
import {readOtnReference, type OtnReference} from '../io/probe-otn-reference.js'
import {KernelModelSchema, type KernelModel} from '../model/schema.js'
import {describeSchemaError} from '../lib/schema-errors.js'
import {type Environment, type Measurements} from '../model/calibrate-model.js'
import {costsOfRounds} from '../model/calibrate-rounds.js'
import {PLANS, type CalibrationPlan, type PlanName} from './calibrate-plan.js'
import {roundTo} from '../stats/round.js'

export interface CalibrateOptions {
  out?: string
  /** Also write the OTN (Linux >= 7.0) model derived from this run. */
  otnOut?: string
  /** Single-op CSV from a real OTN kernel; its otn/otc ratio scales the stand-in. */
  otnReference?: string
  quick: boolean
  /** A named plan; overrides `quick` (smoke: seconds-long, for tests). */
  plan?: PlanName
  force: boolean
  /** Override CONFIG_HZ when the kernel config cannot be read. */
  hz?: number
  /** Clock for the syscall costs: 'cpu' (default, the work itself) or 'wall' (includes preemption by the machine's other load). */
  clock?: 'cpu' | 'wall'
  /** Skip the crun step (forkExecOverhead then comes from the probe's fork/exec). */
  noCrun?: boolean
  /** Measure the plan this many times; coefficients are the rounds' medians (src/model/calibrate-rounds.ts). Default 1. */
  rounds?: number
  log: (line: string) => void
}

export interface CalibrateResult {
  written: Array<{path: string; id: string; kind: KernelModel['path']}>
  kernel: string
  otnSupported: boolean
  seconds: number
  /** Each linear cost's line, and whether it carries a measured shape (src/model/linear-cost.ts). */
  coefficients: Record<string, {fixedNs: number; perUnitNs: number; r2: number | undefined; shaped: boolean}>
  otnRatio?: number
}

export const TOOL_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version

/** Measures the running kernel with the probe and writes model file(s). */
export async function calibrate(opts: CalibrateOptions): Promise<CalibrateResult> {
  const started = performance.now()
  requireRootLinux('calibrate')
  const release = osRelease()
  const out = opts.out ?? `models/linux-${majorMinor(release)}-legacy.json`
  for (const p of [out, opts.otnOut]) {
    if (p && existsSync(p) && !opts.force) throw new InputError(`${p} already exists`, 'pass --force to overwrite it, or choose another path with --out')
  }
  const reference = opts.otnReference ? readOtnReference(opts.otnReference) : undefined
  const hz = opts.hz ?? readHz(release)
  const plan = PLANS[planName(opts)]
  const probe = ensureProbe()
  const loadBefore = loadavg()
  const otnSupported = await probeCaps(localProbe(probe), release, opts.log)
  const rounds: Measurements[] = []
  const roundCount = opts.rounds ?? 1
  for (let i = 0; i < roundCount; i++) {
    if (roundCount > 1) opts.log(`round ${i + 1} of ${roundCount}`)
    const crun = !opts.noCrun && plan.crunStarts > 0 ? crunSteps(probe, plan, opts) : null
    try {
      const round = await measure(localProbe(probe), plan, {clock: opts.clock ?? 'cpu', cores: cpus().length, log: opts.log, afterShortPart: crun?.part})
      if (crun) round.crun = await crun.finish(round.commands)
      rounds.push(round)
    } finally {
      crun?.remove()
    }
  }
  const {m, costs, notes} = costsOfRounds(rounds, reference)
  const loadAfter = loadavg()
  const env: Environment = {
    release,
    clock: opts.clock ?? 'cpu',
    otnSupported,
    hz,
    cpu: cpuModel(),
    cores: cpus().length,
    arch: kubernetesArch(osArch()),
    date: new Date().toISOString(),
    tool: `densityplan calibrate ${TOOL_VERSION}${planFlag(opts)}${roundCount > 1 ? ` --rounds ${roundCount}` : ''}${opts.clock === 'wall' ? ' --clock wall' : ''}`,
    loadNotes: [
      `load average (1/5/15 min) before ${loadBefore.map((v) => v.toFixed(2)).join('/')}, after ${loadAfter.map((v) => v.toFixed(2)).join('/')}: the machine is shared, so every point is repeated and fits go through per-input medians`,
    ],
  }
  const legacy = assemble(m, env, costs, notes, otnSupported ? 'otn' : 'legacy', undefined)
  const written: CalibrateResult['written'] = []
  await write(out, legacy, opts.force)
  written.push({path: out, id: legacy.id, kind: legacy.path})
  if (opts.otnOut) {
    const otnModel = otnSupported ? {...legacy, id: `linux-${majorMinor(release)}-otn`, path: 'otn' as const} : assemble(m, env, costs, notes, 'otn', reference)
    await write(opts.otnOut, otnModel, opts.force)
    written.push({path: opts.otnOut, id: otnModel.id, kind: otnModel.path})
  }
  const coefficients: CalibrateResult['coefficients'] = {}
  for (const [name, cost] of Object.entries(costs)) {
    if ('perUnitNs' in cost) coefficients[name] = {fixedNs: cost.fixedNs, perUnitNs: cost.perUnitNs, r2: cost.source.r2, shaped: cost.shape !== undefined}
  }
  return {
    written,
    kernel: release,
    otnSupported,
    seconds: roundTo((performance.now() - started) / 1000, 1),
    coefficients,
    ...(reference ? {otnRatio: reference.ratio} : {}),
  }
}

export function planName(opts: {quick: boolean; plan?: PlanName}): PlanName {
  return opts.plan ?? (opts.quick ? 'quick' : 'full')
}

function planFlag(opts: {quick: boolean; plan?: PlanName}): string {
  const name = planName(opts)
  return name === 'full' ? '' : name === 'quick' ? ' --quick' : ` --plan ${name}`
}

/** Asks the probe whether the kernel has open_tree(OPEN_TREE_NAMESPACE), and says so. */
export async function probeCaps(probe: ProbeChannel, release: string, log: (line: string) => void): Promise<boolean> {
  const caps = await runProbe(probe, 'caps', [])
  const otnSupported = series(caps, 'otnSupported')[0]!.ns === 1
  log(`kernel ${release}: open_tree(OPEN_TREE_NAMESPACE) ${otnSupported ? 'supported' : `rejected (errno ${series(caps, 'otnErrno')[0]!.ns})`}`)
  return otnSupported
}

/**
 * Every probe experiment of `plan`, run through `probe` (this machine or a pod on a node), on a
 * machine with `cores` cores. The crun steps are separate (crunSteps: local only); `afterShortPart`
 * runs after each part of the short experiments (crun's starts at M≈0, in parts of their own).
 */
export async function measure(
  probe: ProbeChannel,
  plan: CalibrationPlan,
  opts: {clock: 'cpu' | 'wall'; cores: number; log: (line: string) => void; afterShortPart?: (part: number) => Promise<void>},
): Promise<Measurements> {
  const commands: Record<string, string> = {}
  // `name` keys the command in the model's provenance; it differs from the experiment when one runs several times.
  const run = async (name: string, args: string[], exp = name): Promise<ProbeOutput> => {
    commands[name] = ['dp-probe', exp, ...args].join(' ')
    opts.log(`measuring: ${commands[name]}`)
    return runProbe(probe, exp, args)
  }
  // The short experiments in parts (plan.shortParts): one before and one after the legacy
  // experiment, one before cgroupdetach; never right after pivot (it slows the tree experiment).
  const parts: Record<ShortExperiment, ProbeOutput[]> = {attach: [], tree: [], mountinfo: [], prop: []}
  const partArgs = (part: number): Record<ShortExperiment, string[]> => {
    const reps = (total: number): string[] => ['--reps', String(partReps(total, plan.shortParts, part))]
    return {
      attach: reps(plan.attachReps),
      tree: ['--x', plan.treeMounts.join(','), ...reps(plan.treeReps)],
      mountinfo: ['--added', String(plan.mountinfoAddedMounts), ...reps(plan.mountinfoReps)],
      prop: ['--x', plan.propPeers.join(','), ...reps(plan.propReps)],
    }
  }
  const shortPart = async (part: number): Promise<void> => {
    if (part >= plan.shortParts) return
    const args = partArgs(part)
    for (const exp of SHORT_EXPERIMENTS) parts[exp].push(await run(exp, args[exp]))
    await opts.afterShortPart?.(part)
  }
  await shortPart(0)
  const legacy = await run('legacy', ['--x', plan.legacyAddedMounts.join(','), '--reps', String(plan.legacyReps)])
  await shortPart(1)
  // After the CPU-time experiments above: right after the pivot experiment, which starts and ends
  // thousands of threads, the tree experiment ran slow for about a second (docs/calibrate.md,
  // "Repeatability after the pivot, order and mountinfo changes").
  const pivot = await run('pivot', ['--x', plan.pivotExtraThreads.join(','), '--reps', String(plan.pivotReps)])
  const wake = await run('wake', ['--reps', String(plan.wakeSamples)])
  const forkexec = await run('forkexec', ['--reps', String(plan.forkExecSamples)])
  const busy = Array.from({length: Math.min(opts.cores, 256)}, (_, i) => i + 1)
  const contention = await run('contention', ['--x', busy.join(','), '--reps', String(plan.contentionReps), '--starts', String(plan.contentionSpawns)])
  const cgroupSync = await run('cgroupsync', ['--x', plan.cgroupSyncGapsMs.join(','), '--reps', String(plan.cgroupSyncReps)])
  await shortPart(2)
  if (plan.shortParts > 1) for (const exp of SHORT_EXPERIMENTS) commands[exp] = partsCommand(exp, plan, partArgs)
  const attach = mergeParts(parts.attach)
  const tree = mergeParts(parts.tree)
  const mountinfo = mergeParts(parts.mountinfo)
  const prop = mergeParts(parts.prop)
  const detach: ProbeOutput[] = []
  // Outside the initial cgroup namespace (a pod's own) the mount takes no grace period at all
  // (cgroup-sync-fit.ts models nothing then), so the ~6 s after-detach runs would say nothing.
  const initCgroupNs = series(cgroupSync, 'initCgroupNs')[0]?.x === 1
  if (!initCgroupNs) opts.log('skipping dp-probe cgroupdetach: not in the initial cgroup namespace, where cgroup2 mounts take no grace period')
  for (const [i, added] of (initCgroupNs ? plan.cgroupDetachMounts : []).entries()) {
    const delays = i === plan.cgroupDetachMounts.length - 1 ? plan.cgroupDetachDelaysMs : plan.cgroupDetachDelaysMs.slice(0, 1)
    detach.push(
      await run(`cgroupdetach-${added}`, ['--added', String(added), '--x', delays.join(','), '--reps', String(plan.cgroupDetachReps)], 'cgroupdetach'),
    )
  }
  const ns = (o: ProbeOutput, s: string) => series(o, s).map((p) => p.ns)
  // Wall-clock variants of the same calls carry a `Wall` suffix in the probe output.
  const w = opts.clock === 'wall' ? 'Wall' : ''
  const m: Measurements = {
    clock: opts.clock,
    commands,
    copy: series(legacy, `copy${w}`),
    chtype: series(legacy, `chtype${w}`),
    umount: series(legacy, `umount${w}`),
    pivot: series(pivot, `pivot${w}`),
    attach: ns(attach, `attach${w}`),
    detachLazyCpu: ns(attach, 'detachLazyCpu'),
    detachLazyWall: ns(attach, 'detachLazyWall'),
    moveAttach: ns(attach, `moveAttach${w}`),
    teardown: series(tree, `teardown${w}`),
    dclone: series(tree, `dclone${w}`),
    otc: series(tree, `otc${w}`),
    otn: tree.points.filter((p) => p.series === 'otn').map((p) => ({x: p.x, ns: p.ns})),
    mountinfo: series(mountinfo, `chunk${w}`),
    prop: series(prop, `prop${w}`),
    wake: ns(wake, 'wake'),
    forkExec: ns(forkexec, 'forkexec'),
    contention: series(contention, 'cpuPerSpawn'),
    cgroupSync: {
      wall: series(cgroupSync, 'mountWall'),
      cpu: series(cgroupSync, 'mountCpu'),
      initCgroupNs,
      detach: detach.map((o) => ({
        mounts: series(o, 'mounts')[0]?.x ?? 0,
        wall: series(o, 'mountWall'),
        cpu: series(o, 'mountCpu'),
        sinceTeardown: series(o, 'sinceTeardown'),
      })),
    },
  }
  return m
}

const SHORT_EXPERIMENTS = ['attach', 'tree', 'mountinfo', 'prop'] as const
type ShortExperiment = (typeof SHORT_EXPERIMENTS)[number]

/** Repetitions in part `part` of `parts` (the first ones take the remainder): they add up to `total`. */
export function partReps(total: number, parts: number, part: number): number {
  return Math.floor(total / parts) + (part < total % parts ? 1 : 0)
}

/**
 * One experiment's parts as one output. The points of each series at each x are dealt part by
 * part (part 0's first, part 1's first, part 2's first, part 0's second, ...), so with three parts
 * the spread's repetition groups (repetition i in group i mod 3, repetitionGroups in
 * src/model/calibrate-model.ts) are the parts themselves: a coefficient's spread is then how far
 * it moved between three moments of the run, not only the noise within one.
 */
export function mergeParts(outputs: readonly ProbeOutput[]): ProbeOutput {
  if (outputs.length === 0) throw new Error('mergeParts: no parts')
  const byKey = new Map<string, ProbePoint[][]>()
  outputs.forEach((o, part) => {
    for (const p of o.points) {
      const key = `${p.series}\u0000${p.x}`
      let lists = byKey.get(key)
      if (!lists) byKey.set(key, (lists = outputs.map(() => [])))
      lists[part]!.push(p)
    }
  })
  const points: ProbePoint[] = []
  for (const lists of byKey.values()) {
    const longest = Math.max(...lists.map((l) => l.length))
    for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) points.push(l[i]!)
  }
  return {...outputs[0]!, points}
}

/** Where `measure` runs the parts, for the provenance commands. */
const PARTS_WHERE = "at the run's start, after dp-probe legacy, before dp-probe cgroupdetach"

/** The provenance command of an experiment run in parts: every part's command, and where they ran. */
function partsCommand(exp: ShortExperiment, plan: CalibrationPlan, partArgs: (part: number) => Record<ShortExperiment, string[]>): string {
  const each = Array.from({length: plan.shortParts}, (_, i) => ['dp-probe', exp, ...partArgs(i)[exp]].join(' '))
  return `${each.join('; ')} (parts spread over the run: ${PARTS_WHERE})`
}

/**
 * The crun steps (local only): the starts at M≈0 in plan.shortParts parts, which `measure` runs
 * right after its short experiments' parts (`part`), so the runtime's overhead, like them, is
 * measured across the run and not in one or two seconds of it; then the starts with
 * plan.crunAddedMounts host mounts (`finish`). null when crun is not installed.
 */
function crunSteps(
  probe: string,
  plan: CalibrationPlan,
  opts: CalibrateOptions,
): {
  part: (part: number) => Promise<void>
  finish: (commands: Record<string, string>) => Promise<NonNullable<Measurements['crun']>>
  remove: () => void
} | null {
  let version: string
  try {
    version = requireCrun()
  } catch {
    opts.log("crun not found: forkExecOverhead falls back to the probe's fork/exec baseline")
    return null
  }
  const bundle = buildCrunBundle(packageRoot())
  const atZero: Awaited<ReturnType<typeof runCrunLoad>>[] = []
  const command = (added: number, starts: number | string): string =>
    `dp-probe run-load --added ${added} --concurrency 1 --starts ${starts} -- crun --cgroup-manager=disabled run (busybox /bin/true)`
  const partStarts = (part: number): number => partReps(plan.crunStarts, plan.shortParts, part)
  return {
    part: async (part) => {
      opts.log(`measuring: ${command(0, partStarts(part))}`)
      atZero.push(await runCrunLoad(probe, bundle, {addedMounts: 0, concurrency: 1, starts: partStarts(part), warmup: 3, extraThreads: 0}))
    },
    finish: async (commands) => {
      const counts = Array.from({length: plan.shortParts}, (_, i) => partStarts(i))
      commands.crun =
        plan.shortParts > 1 ? `${command(0, counts.join('+'))}, in parts beside the short experiments' (${PARTS_WHERE})` : command(0, plan.crunStarts)
      commands.crunMounts = command(plan.crunAddedMounts, plan.crunMountedStarts)
      opts.log(`measuring: ${commands.crunMounts}`)
      const big = await runCrunLoad(probe, bundle, {
        addedMounts: plan.crunAddedMounts,
        concurrency: 1,
        starts: plan.crunMountedStarts,
        warmup: 3,
        extraThreads: 0,
      })
      return {
        version,
        startNs: atZero.flatMap((r) => r.startNs),
        cpuNs: atZero.flatMap((r) => r.cpuNs),
        mounts: atZero[0]!.mounts,
        threads: atZero[0]!.threads,
        containerMounts: bundle.containerMounts,
        atMounts: {startNs: big.startNs, cpuNs: big.cpuNs, mounts: big.mounts, threads: big.threads},
      }
    },
    remove: () => bundle.remove(),
  }
}

export function assemble(
  m: Measurements,
  env: Environment,
  costs: KernelModel['costs'],
  notes: string[],
  path: KernelModel['path'],
  reference: OtnReference | undefined,
): KernelModel {
  const mm = majorMinor(env.release)
  const projected = path === 'otn' && !env.otnSupported
  const method = projected
    ? `Measured on Linux ${env.release} (no OPEN_TREE_NAMESPACE: open_tree rejected the flag with EINVAL) with densityplan's probe (native/probe), the same way as the legacy model of that kernel. The otn cost is the OPEN_TREE_CLONE|AT_RECURSIVE + unshare stand-in measured here${reference ? `, multiplied by ${reference.ratio.toFixed(3)}: the median over ${reference.cells} cells of (otn − fork/exit)/(otc − fork/exit) p50s measured on a real Linux ${reference.kernel} (${reference.file}; emulated CPU, so only the ratio is used; interquartile range ${reference.ratioP25.toFixed(2)}–${reference.ratioP75.toFixed(2)})` : ' (unscaled)'}. All other costs are this machine's: they apply to 7.x too, where containers that cannot use OTN fall back to the legacy path. Replace this file with one measured on a real 7.x kernel when available.`
    : `Each primitive timed around the single syscall with ${env.clock === 'wall' ? "CLOCK_MONOTONIC (--clock wall: wall time, so preemption of the caller by the machine's other load while it holds namespace_sem is part of each cost)" : 'CLOCK_THREAD_CPUTIME_ID (the work it did, free of preemption by other tenants; lock hold times in the simulator are CPU work)'} and CLOCK_MONOTONIC where the wait itself is the cost (rcuGp, wakeLatency, forkExecOverhead), in forked children inside a private scratch mount namespace (everything made private, then re-shared so peer groups are local), varying one input (mounts M, threads T, tree size k, lines, peers P), ≥5 repetitions per point. Linear costs are least-squares lines through the per-input medians; r2 and residualP90Ns are over all raw points. Distributions (rcuGp, wakeLatency, forkExecOverhead) keep the sorted raw samples.`
  const model: KernelModel = {
    apiVersion: 'densityplan.dev/v1alpha1',
    kind: 'KernelModel',
    id: projected ? 'linux-7.0-otn' : `linux-${mm}-${path}`,
    path,
    kernel: {release: projected ? '7.0' : env.release, openTreeNamespace: projected ? true : env.otnSupported, hz: env.hz},
    provenance: {
      kernel: env.release,
      cpu: env.cpu,
      cores: env.cores,
      ...(env.arch ? {arch: env.arch} : {}),
      date: env.date,
      tool: env.tool,
      method,
      notes: [
        ...env.loadNotes,
        ...notes,
        ...(projected
          ? ['kernel.release 7.0 and openTreeNamespace true describe the kernel this model is for; provenance.kernel is the kernel actually measured']
          : []),
      ],
      ...(env.node ? {node: env.node} : {}),
      rawPoints: rawPoints(m),
    },
    costs,
  }
  const parsed = KernelModelSchema.safeParse(model)
  if (!parsed.success) throw new Error(describeSchemaError('calibrated model', parsed.error))
  return parsed.data
}

function rawPoints(m: Measurements): NonNullable<KernelModel['provenance']['rawPoints']> {
  const out: NonNullable<KernelModel['provenance']['rawPoints']> = []
  const add = (param: string, pts: Array<{x: number; ns: number}>) => pts.forEach((p) => out.push({param, x: p.x, ns: p.ns}))
  const fixed = (param: string, v: number[]) =>
    add(
      param,
      v.map((ns) => ({x: 1, ns})),
    )
  add('copy', m.copy)
  add('chtype', m.chtype)
  add('pivot', m.pivot)
  add('umount', m.umount)
  fixed('attach', m.attach)
  fixed('detachLazyCpu', m.detachLazyCpu)
  fixed('moveAttach', m.moveAttach)
  add('teardown', m.teardown)
  add('dclone', m.dclone)
  add('otcStandIn', m.otc)
  add('otn', m.otn)
  add('mountinfoChunk', m.mountinfo)
  add('propPeer', m.prop)
  add('cpuPerSpawn', m.contention)
  if (m.crun)
    add(
      'crunStartC1',
      m.crun.startNs.map((ns) => ({x: m.crun!.mounts, ns})),
    )
  if (m.crun?.atMounts)
    add(
      'crunStartC1',
      m.crun.atMounts.startNs.map((ns) => ({x: m.crun!.atMounts!.mounts, ns})),
    )
  return out
}

export async function write(path: string, model: KernelModel, force: boolean): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(model, null, 2)}\n`, {force})
}

export function majorMinor(release: string): string {
  const m = /^(\d+)\.(\d+)/.exec(release)
  return m ? `${m[1]}.${m[2]}` : release.toLowerCase().replace(/[^a-z0-9.-]/g, '-')
}

/** CONFIG_HZ from /boot/config-<release> or /proc/config.gz. */
function readHz(release: string): number {
  const texts: string[] = []
  try {
    texts.push(readFileSync(`/boot/config-${release}`, 'utf8'))
  } catch {
    /* try the next source */
  }
  try {
    texts.push(gunzipSync(readFileSync('/proc/config.gz')).toString('utf8'))
  } catch {
    /* not built in */
  }
  for (const t of texts) {
    const m = /^CONFIG_HZ=(\d+)$/m.exec(t)
    if (m) return Number(m[1])
  }
  throw new InputError('cannot read CONFIG_HZ (no /boot/config-<release>, no /proc/config.gz)', "pass --hz N (the kernel's CONFIG_HZ, e.g. 250 or 1000)")
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (m?.[1]) return m[1].trim()
  } catch {
    /* fall through */
  }
  return cpus()[0]?.model ?? 'unknown'
}

/** Node's arch() in Kubernetes' spelling (node.status.nodeInfo.architecture), so analyze can compare them. */
export function kubernetesArch(nodeArch: string): string {
  return (
    (
      {x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64'} as Record<
        string,
        string
      >
    )[nodeArch] ?? nodeArch
  )
}
