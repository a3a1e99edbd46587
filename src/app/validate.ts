import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {InputError, ThresholdError} from '../errors/errors.js'
import {basename, join} from 'node:path'
import {loadModelFile, loadShippedModels, shippedModelsDir, type LoadedModel} from '../io/model-file.js'
import {buildCrunBundle, requireCrun, type CrunBundle} from '../io/crun-bundle.js'
import {runCrunLoad, type CrunLoadResult} from '../io/crun-load.js'
import {measureCrunMountCalls, type CrunMountCalls} from '../io/crun-strace.js'
import {ensureProbe, packageRoot, requireRootLinux, runProbe} from '../io/probe-runner.js'
import {series} from '../io/probe-output.js'
import {defaultModelFor} from '../model/registry.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import type {KernelModel} from '../model/schema.js'
import {modelledStartStepsNs, nonMountSamplesNs, overheadCpuNs} from '../model/calibrate-model.js'
import {inside, measuredIntervals, type MeasuredIntervals} from './validate-noise.js'
import {simulate} from './simulate.js'
import type {SimulateRequest} from './simulate-request.js'
import {mountPartErrors, mountPartVerdict} from './validate-mount-part.js'
import {atKernelSpeed, copyCostError, copySpeedRatio, speedCheck, type SpeedCheck} from './validate-speed-check.js'
import {roundTo} from '../stats/round.js'

export interface ValidateOptions {
  /** Extra host mounts per cell (the namespace's ~20 baseline mounts come on top). */
  mounts: number[]
  concurrency: number[]
  /** Extra sleeping threads per cell. */
  threads: number[]
  /** Measured starts per cell. */
  starts: number
  /** CPUs the simulated node has (default: this machine's). Lower it when other load leaves the starts less. */
  cores?: number
  modelPath?: string
  /** 'run': measure the runtime's non-mount overhead in this run at M≈0, C=1 (default); 'model': use the model's. */
  overhead: 'run' | 'model'
  seed: number
  replications: number
  log: (line: string) => void
}

export interface ValidateCell {
  addedMounts: number
  /** Mounts in the namespace crun ran in (M given to the simulator). */
  mounts: number
  concurrency: number
  extraThreads: number
  /** Threads on the system during the run (T given to the simulator). */
  threads: number
  starts: number
  /**
   * CPU the starts got, in cores (sum of their CPU time / the cell's wall time). The model
   * assumes an otherwise idle node of `cores` CPUs; when other load leaves the starts much less
   * than that, concurrent cells run slower than predicted.
   */
  cpuCoresUsed: number
  /** Median CPU time of one start (crun + container), ms. */
  cpuPerStartMs: number
  measuredMs: {p50: number; p99: number}
  predictedMs: {p50: number; p99: number}
  /** (predicted − measured) / measured. */
  relativeError: {p50: number; p99: number}
  withinTarget: boolean
  /** 95 % intervals of the measured p50 and p99 from this cell's starts, ms (src/app/validate-noise.ts). */
  measuredCi95Ms: MeasuredIntervals
  /** Whether each prediction lies inside that interval: a miss with both inside is one these starts cannot tell from noise. */
  predictedInsideCi: {p50: boolean; p99: boolean}
  /** Error of the mount-dependent part of p50 (src/app/validate-mount-part.ts); null for the reference cell or a part too small to compare. */
  mountPartError: number | null
  /** This cell's starts also measured the runtime overhead (M≈0, C=1), so its p50 matches by construction. */
  overheadCell: boolean
  /**
   * The machine's copy cost just before this cell ÷ the model's (validate-speed-check.ts
   * copySpeedRatio): below 1, mount-heavy work ran faster than the model was measured at. For the
   * cell that measured the runtime overhead, the opening speed check's (its starts ran just before).
   */
  speedRatio: number
  /**
   * The same prediction with the model's kernel syscall costs times `speedRatio`
   * (validate-speed-check.ts atKernelSpeed): the error left once the drift of the kernel's mount
   * work since the calibration is taken out. A second view, not a correction: the runtime's own
   * overhead can drift too, and the stamp does not time it.
   */
  atCellSpeed: {predictedMs: {p50: number; p99: number}; relativeError: {p50: number; p99: number}; withinTarget: boolean}
}

export interface ValidateResult {
  runtime: string
  model: {id: string; sha256: string}
  containerMounts: number
  /**
   * The mount(2) work of one crun start, strace'd once in this run (or the documented counts
   * without strace); `runtimeMounts` of it is the N_rt given to the simulator.
   */
  mountCalls: CrunMountCalls & {note: string}
  cores: number
  overhead: {source: 'run' | 'model'; medianMs: number; note: string}
  target: {p50: number; p99: number}
  cells: ValidateCell[]
  verdict: string
  /** How many cells meet the mount-part p50 and p99 targets (MOUNT_PART_TARGET). */
  mountPartVerdict: string
  /** How many cells meet TARGET when each is predicted at its own kernel speed (ValidateCell.atCellSpeed). */
  atCellSpeedVerdict: string
  loadAverage: {before: number[]; after: number[]}
  /** The model's copy cost against this machine's, timed before and after the cells (src/app/validate-speed-check.ts). */
  speedCheck: SpeedCheck
}

/** Host mounts added for the speed check's copies, and how many copies each side of the cells. */
const SPEED_CHECK_MOUNTS = 4000
const SPEED_CHECK_REPS = 15
/** Copies timed before each cell for its speed stamp (~0.2 s). */
const CELL_SPEED_REPS = 7

/**
 * SPEED_CHECK_REPS copies of a ~4,000-mount table, ns each, and the table's size; CPU time, or
 * wall time for a model calibrated with --clock wall (its notes start "Wall time").
 */
async function timeCopies(probe: string, model: KernelModel, reps = SPEED_CHECK_REPS): Promise<{mounts: number; ns: number[]}> {
  const out = await runProbe(probe, 'legacy', ['--x', String(SPEED_CHECK_MOUNTS), '--reps', String(reps)])
  const copies = series(out, model.costs.copy.source.note?.startsWith('Wall time') ? 'copyWall' : 'copy')
  return {mounts: copies[0]!.x, ns: copies.map((p) => p.ns)}
}

/** The issue's accuracy target for cells with C <= 16. */
export const TARGET = {p50: 0.2, p99: 0.3}

/**
 * Real container starts vs the model's prediction of the same closed-loop scenario: for each
 * (M, C, T) cell, C workers run `crun run /bin/true` back to back in a private namespace with M
 * host mounts, and `simulate --workload closed --no-pod` runs with the same M, C, T, the
 * machine's cores and the container's measured mount count.
 */
export async function validate(opts: ValidateOptions): Promise<ValidateResult> {
  requireRootLinux('validate')
  const runtime = requireCrun()
  const {loaded, path: modelPath} = await resolveModel(opts.modelPath)
  if (loaded.model.kernel.openTreeNamespace && loaded.model.path === 'otn') {
    throw new InputError(
      `${loaded.source} is an OPEN_TREE_NAMESPACE model, but crun ${runtime} starts containers the legacy way`,
      'pass a legacy-path model of this kernel with --model (densityplan calibrate writes one)',
    )
  }
  opts = {...opts, modelPath}
  const probe = ensureProbe()
  const before = loadavg()
  const bundle = buildCrunBundle(packageRoot())
  const scratch = mkdtempSync(join(tmpdir(), 'densityplan-validate-'))
  const cells: ValidateCell[] = []
  let overhead: ValidateResult['overhead']
  let mountCalls: ValidateResult['mountCalls']
  let speedBefore: {mounts: number; ns: number[]}
  let speedAfter: {mounts: number; ns: number[]}
  try {
    const calls = measureCrunMountCalls(bundle)
    mountCalls = {...calls, note: mountCallsNote(calls)}
    opts.log(mountCalls.note)
    const runtimeMounts = calls.runtimeMounts
    let base: CrunLoadResult | undefined
    let model = loaded.model
    if (opts.overhead === 'run') {
      opts.log(`runtime overhead: ${opts.starts} crun starts at M≈0, C=1`)
      base = await runCrunLoad(probe, bundle, {addedMounts: 0, concurrency: 1, starts: opts.starts, warmup: 2, extraThreads: 0})
      model = withRunOverhead(model, base, runtimeMounts)
      opts.modelPath = join(scratch, 'model-with-run-overhead.json')
      writeFileSync(opts.modelPath, JSON.stringify(model))
    }
    opts.log(`kernel speed check: ${SPEED_CHECK_REPS} copies of ~${SPEED_CHECK_MOUNTS} mounts`)
    speedBefore = await timeCopies(probe, loaded.model)
    overhead = {
      source: opts.overhead,
      medianMs: round2(quantileType7(sortedCopy(samplesOf(model.costs.forkExecOverhead)), 0.5) / 1e6),
      note: model.costs.forkExecOverhead.source.note ?? '',
    }
    // Threads innermost: the machine drifts over minutes, and with thread counts outermost the
    // many-thread cells all ran in a later (faster or slower) spell than the rest
    // (docs/calibrate.md, "Validate at the end of this session (2026-12-01)").
    for (const m of opts.mounts) {
      for (const c of opts.concurrency) {
        for (const threads of opts.threads) {
          const reuse = base && m === 0 && c === 1 && threads === 0 ? base : undefined
          // The overhead cell's starts ran just before the speed check that opened the run.
          const stamp = reuse ? speedBefore : await timeCopies(probe, loaded.model, CELL_SPEED_REPS)
          const speedRatio = copySpeedRatio(loaded.model.costs.copy, stamp.mounts, stamp.ns)
          const at = {model, baseMounts: base?.mounts ?? 0, scratch, speedRatio}
          cells.push(await cell(probe, bundle, loaded, opts, m, c, threads, runtimeMounts, reuse, at))
        }
      }
    }
    speedAfter = await timeCopies(probe, loaded.model)
  } finally {
    bundle.remove()
    rmSync(scratch, {recursive: true, force: true})
  }
  const partErrors = mountPartErrors(cells)
  cells.forEach((c, i) => (c.mountPartError = partErrors[i] ?? null))
  const verdict = cellsVerdict(cells)
  const result: ValidateResult = {
    runtime,
    model: {id: loaded.model.id, sha256: loaded.sha256},
    containerMounts: bundle.containerMounts,
    mountCalls,
    cores: opts.cores ?? cpus().length,
    overhead,
    target: TARGET,
    cells,
    verdict,
    mountPartVerdict: mountPartVerdict(cells, partErrors),
    atCellSpeedVerdict: atCellSpeedVerdict(cells),
    loadAverage: {before: before.map(round2), after: loadavg().map(round2)},
    speedCheck: speedCheck(loaded.model.costs.copy, speedBefore.mounts, speedBefore.ns, speedAfter.ns),
  }
  return result
}

/**
 * The gross-regression guard: a ThresholdError (exit 4) listing every cell whose |error| exceeds
 * `limit`, and the model's copy cost when this machine's measured copy (the speed check) puts it
 * further off than `limit` (copyCostError).
 */
export function checkErrorLimit(result: ValidateResult, limit: number): void {
  const bad = result.cells.filter((x) => Math.abs(x.relativeError.p50) > limit || Math.abs(x.relativeError.p99) > limit)
  const lines = bad.map(
    (x) =>
      `M=${x.mounts} C=${x.concurrency} T=${x.threads}: p50 ${pct(x.relativeError.p50)}, p99 ${pct(x.relativeError.p99)} (limit ±${Math.round(limit * 100)}%)`,
  )
  const copyError = copyCostError(result.speedCheck)
  if (Math.abs(copyError) > limit) {
    const s = result.speedCheck
    lines.push(
      `copy cost: model ${s.modelNsPerMount} ns/mount at M=${s.mounts}, this machine ${s.beforeNsPerMount} before the cells and ${s.afterNsPerMount} after: ${pct(copyError)} (limit ±${Math.round(limit * 100)}%)`,
    )
  }
  if (lines.length) throw new ThresholdError(lines)
}

/**
 * The model with forkExecOverhead replaced by this run's M≈0, C=1 starts minus the model's own
 * mount steps: one parameter for the whole grid, measured once, never tuned per cell.
 */
function withRunOverhead(model: KernelModel, base: CrunLoadResult, runtimeMounts: number): KernelModel {
  // The attaches the simulator charges (rootfs bind + N_rt), so the overhead excludes exactly those.
  const stepsNs = modelledStartStepsNs(model.costs, base.mounts, base.threads, runtimeMounts + 1)
  const samplesNs = nonMountSamplesNs(base.startNs, stepsNs, base.cpuNs)
  const note = `measured by this validate run: ${base.startNs.length} crun starts at M=${base.mounts}, C=1, T=${base.threads}, wall minus ${Math.round(stepsNs / 1000)} µs of modelled mount steps and minus each start's off-CPU time beyond the median start's (waits the model charges itself)`
  const command = 'densityplan validate (M≈0, C=1 cell)'
  return {
    ...model,
    costs: {
      ...model.costs,
      forkExecOverhead: {kind: 'empirical', samplesNs, source: {command, samples: samplesNs.length, note}},
      // The same starts' CPU time: a sample's excess over it is off-CPU wait, which should not hold a core.
      ...(base.cpuNs.length > 0
        ? {
            forkExecCpu: {
              ns: overheadCpuNs(base.cpuNs, model.costs, stepsNs),
              source: {command, samples: base.cpuNs.length, note: "median CPU time of the same starts minus the modelled steps' CPU"},
            },
          }
        : {}),
    },
  }
}

/**
 * The model with the runtime's per-mount CPU outside the lock (costs.runtimePerMount, when the
 * model has it) added to every forkExecOverhead sample for the cell's mounts above the M the
 * overhead was measured at. Returns the same object when there is nothing to add.
 */
export function withRuntimePerMount(model: KernelModel, mountsAboveBase: number): KernelModel {
  const per = model.costs.runtimePerMount?.ns ?? 0
  const addNs = Math.round(per * Math.max(0, mountsAboveBase))
  if (addNs === 0) return model
  const samplesNs = samplesOf(model.costs.forkExecOverhead).map((ns) => ns + addNs)
  const note = `${model.costs.forkExecOverhead.source.note ?? ''}; + ${Math.round(addNs / 1000)} µs runtime CPU for ${mountsAboveBase} more mounts (costs.runtimePerMount ${per} ns/mount)`
  const cpu = model.costs.forkExecCpu
  return {
    ...model,
    costs: {
      ...model.costs,
      forkExecOverhead: {kind: 'empirical', samplesNs, source: {...model.costs.forkExecOverhead.source, note}},
      // That per-mount work is CPU, so the on-core share of a sample grows with it.
      ...(cpu ? {forkExecCpu: {...cpu, ns: cpu.ns + addNs}} : {}),
    },
  }
}

function samplesOf(d: KernelModel['costs']['forkExecOverhead']): number[] {
  if (d.kind === 'empirical') return d.samplesNs
  return [d.kind === 'fixed' ? d.ns : d.medianNs]
}

async function cell(
  probe: string,
  bundle: CrunBundle,
  loaded: LoadedModel,
  opts: ValidateOptions,
  addedMounts: number,
  concurrency: number,
  extraThreads: number,
  runtimeMounts: number,
  reuse: CrunLoadResult | undefined,
  at: {model: KernelModel; baseMounts: number; scratch: string; speedRatio: number},
): Promise<ValidateCell> {
  opts.log(`cell M+${addedMounts} C=${concurrency} T+${extraThreads}: ${reuse ? 'reusing the overhead starts' : `${opts.starts} crun starts`}`)
  const run = reuse ?? (await runCrunLoad(probe, bundle, {addedMounts, concurrency, starts: opts.starts, warmup: 2, extraThreads}))
  const sorted = sortedCopy(run.startNs)
  const measuredMs = {p50: quantileType7(sorted, 0.5) / 1e6, p99: quantileType7(sorted, 0.99) / 1e6}
  const cellModel = withRuntimePerMount(at.model, run.mounts - at.baseMounts)
  let cellOpts = opts
  if (cellModel !== at.model) {
    cellOpts = {...opts, modelPath: join(at.scratch, `model-at-${run.mounts}-mounts.json`)}
    writeFileSync(cellOpts.modelPath!, JSON.stringify(cellModel))
  }
  const predict = async (o: ValidateOptions): Promise<{p50: number; p99: number}> => {
    const sim = await simulate(simRequest(o, loaded, run.mounts, concurrency, run.threads, runtimeMounts))
    if (!('containerStartMs' in sim)) throw new Error('simulate returned a two-kernel result for a legacy request')
    return {p50: sim.containerStartMs.p50, p99: sim.containerStartMs.p99}
  }
  const predictedMs = await predict(cellOpts)
  const relativeError = {p50: rel(predictedMs.p50, measuredMs.p50), p99: rel(predictedMs.p99, measuredMs.p99)}
  const atSpeedPath = join(at.scratch, `model-at-${run.mounts}-mounts-speed-${at.speedRatio}.json`)
  writeFileSync(atSpeedPath, JSON.stringify(atKernelSpeed(cellModel, at.speedRatio)))
  const atSpeedMs = await predict({...opts, modelPath: atSpeedPath})
  const atSpeedError = {p50: rel(atSpeedMs.p50, measuredMs.p50), p99: rel(atSpeedMs.p99, measuredMs.p99)}
  const measuredCi95Ms = measuredIntervals(sorted)
  return {
    addedMounts,
    mounts: run.mounts,
    concurrency,
    extraThreads,
    threads: run.threads,
    starts: run.startNs.length,
    cpuCoresUsed: round2(run.cpuNs.reduce((a, b) => a + b, 0) / run.wallNs),
    cpuPerStartMs: round2(quantileType7(sortedCopy(run.cpuNs), 0.5) / 1e6),
    measuredMs: {p50: round2(measuredMs.p50), p99: round2(measuredMs.p99)},
    predictedMs: {p50: round2(predictedMs.p50), p99: round2(predictedMs.p99)},
    relativeError,
    withinTarget: withinTarget(relativeError),
    measuredCi95Ms,
    predictedInsideCi: {p50: inside(measuredCi95Ms.p50, predictedMs.p50), p99: inside(measuredCi95Ms.p99, predictedMs.p99)},
    mountPartError: null,
    overheadCell: reuse !== undefined,
    speedRatio: at.speedRatio,
    atCellSpeed: {
      predictedMs: {p50: round2(atSpeedMs.p50), p99: round2(atSpeedMs.p99)},
      relativeError: atSpeedError,
      withinTarget: withinTarget(atSpeedError),
    },
  }
}

/**
 * The simulate request for one cell: bare runtime starts (no pod), the rootfs bind plus
 * `runtimeMounts` (N_rt: crun's measured namespace_sem-taking mount calls) per container.
 */
export function simRequest(
  opts: Pick<ValidateOptions, 'modelPath' | 'seed' | 'replications' | 'starts' | 'cores'>,
  loaded: LoadedModel,
  mounts: number,
  concurrency: number,
  threads: number,
  runtimeMounts: number,
): SimulateRequest {
  return {
    kernel: 'legacy',
    modelPath: opts.modelPath ?? loaded.source,
    workload: {kind: 'closed', concurrency, starts: Math.max(opts.starts, 200)},
    pod: false,
    containersPerPod: 1,
    initContainers: 0,
    volumesPerPod: 0,
    hostMountsPerPod: 0,
    rootfsMounts: 1,
    runtimeMounts,
    runtimeOverhead: 'model',
    podOverheadNs: null,
    legacyFallback: 0,
    cores: opts.cores ?? cpus().length,
    systemThreads: threads,
    hostMounts: mounts,
    mountinfoReaders: 0,
    mountinfoIntervalNs: 1e9,
    replications: opts.replications,
    seed: opts.seed,
  }
}

async function resolveModel(path: string | undefined): Promise<{loaded: LoadedModel; path: string}> {
  if (path) return {loaded: await loadModelFile(path), path}
  const loaded = defaultModelFor(await loadShippedModels(), 'legacy')
  return {loaded, path: join(shippedModelsDir(), basename(loaded.source))}
}

function mountCallsNote(c: CrunMountCalls): string {
  const how = c.source === 'strace' ? 'counted with strace -ff on one start in this run' : 'strace not found: the counts documented in docs/calibrate.md'
  return `crun mount calls per start (${how}): ${c.mountCalls} mount(2) = ${c.remounts} remounts (no namespace_sem) + ${c.treePropagationChanges} recursive propagation changes over the copy + 1 rootfs bind + ${c.runtimeMounts} runtime mounts (N_rt given to the simulator); ${c.mountTableReads} reads of the mount table`
}

/**
 * PASS, or how many cells miss the targets, the worst, and how many of those misses predict
 * inside the measured p50 and p99 95 % intervals (validate-noise.ts): misses the cells' own starts
 * cannot tell from noise.
 */
export function cellsVerdict(cells: readonly ValidateCell[]): string {
  const misses = cells.filter((x) => !x.withinTarget)
  if (misses.length === 0) return `PASS: all ${cells.length} cells within ±${TARGET.p50 * 100}% on p50 and ±${TARGET.p99 * 100}% on p99`
  const noise = misses.filter((c) => c.predictedInsideCi.p50 && c.predictedInsideCi.p99).length
  return `MISS: ${misses.length} of ${cells.length} cells outside ±${TARGET.p50 * 100}% p50 / ±${TARGET.p99 * 100}% p99 (worst: ${worst(cells)}); ${noise} of them predict inside the measured p50 and p99 95% intervals (MISS ~ in the table: these starts cannot tell that miss from noise)`
}

/** The same count with every cell predicted at its own kernel speed (ValidateCell.atCellSpeed). */
export function atCellSpeedVerdict(cells: readonly ValidateCell[]): string {
  const ok = cells.filter((c) => c.atCellSpeed.withinTarget).length
  return `at each cell's kernel speed (the model's kernel syscall costs × its copy speed): ${ok} of ${cells.length} cells within ±${TARGET.p50 * 100}% p50 and ±${TARGET.p99 * 100}% p99`
}

const withinTarget = (e: {p50: number; p99: number}): boolean => Math.abs(e.p50) <= TARGET.p50 && Math.abs(e.p99) <= TARGET.p99

function worst(cells: readonly ValidateCell[]): string {
  const w = [...cells].sort((a, b) => score(b) - score(a))[0]!
  return `M=${w.mounts} C=${w.concurrency}: p50 ${pct(w.relativeError.p50)}, p99 ${pct(w.relativeError.p99)}`
}

const score = (c: ValidateCell) => Math.max(Math.abs(c.relativeError.p50) / TARGET.p50, Math.abs(c.relativeError.p99) / TARGET.p99)
const rel = (predicted: number, measured: number) => roundTo((predicted - measured) / measured, 3)
/** Two decimals: milliseconds, cores and load averages in the result. */
const round2 = (v: number) => roundTo(v, 2)
export const pct = (v: number) => `${v >= 0 ? '+' : ''}${Math.round(v * 100)}%`
