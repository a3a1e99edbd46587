import {existsSync} from 'node:fs'
import {basename, join} from 'node:path'
import {assembleResult} from '../analyze/assemble.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import {chooseModel, type ClassHardware} from '../analyze/model-choice.js'
import {estimatedCost, plannedRuns, type ClassJob, type ClassModelInfo} from '../analyze/run-classes.js'
import {assumptions} from '../analyze/assumptions.js'
import {mergeHistograms} from '../profile/histogram.js'
import {mergeShards} from '../analyze/merge.js'
import {parseRule, type ParsedRule} from '../analyze/thresholds.js'
import type {AnalysisResult, ModelProvenance} from '../domain/analysis.js'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {ClusterError, InputError} from '../errors/errors.js'
import {loadDemoSnapshot} from '../io/demo.js'
import {loadModelFile, loadShippedModels, type LoadedModel} from '../io/model-file.js'
import {loadReportAssets} from '../io/report-assets.js'
import {readResultFile, writeReportFiles, type WrittenFile} from '../io/report-writer.js'
import {defaultModelFor} from '../model/registry.js'
import {buildNodeClasses, type NodeClass} from '../profile/node-classes.js'
import type {ReportFormat} from '../report/index.js'
import {runJobs, startAnalysisWorkers} from './analyze-jobs.js'
import type {WorkerPool} from './worker-thread.js'
import {startSnapshotLoader, type LoadedSnapshotClasses, type SnapshotLoader} from './snapshot-load.js'
import type {PrometheusOptions} from '../cluster/prometheus-source.js'

export type AnalyzeSource =
  | {kind: 'demo'}
  | {kind: 'snapshot'; path: string}
  | {kind: 'live'; kubeconfig?: string; context?: string; namespace?: string; nodeSelector?: string; poolLabel?: string; prometheus?: PrometheusOptions}

export interface AnalyzeRequest {
  source: AnalyzeSource
  modelPath?: string
  otnModelPath?: string
  /** --models DIR: the models classes choose from (default: the shipped models/). */
  modelsDir?: string
  settings: AnalysisSettings
  /** --oci-runtime: override the inferred OCI runtime for every node (runc, crun, crun-legacy). */
  ociRuntime?: string
  jobs: number
  shard?: {index: number; count: number}
  /** --merge: result files of `--shard i/n` runs to merge instead of analyzing a source. */
  merge?: string[]
  /** Output path; default reports/<cluster>-<timestamp>.html. */
  out?: string
  formats: ReportFormat[]
  force: boolean
  failOn: string[]
  toolVersion: string
  /** Wall clock for the default file name only (never enters the result). */
  nowMs: number
  onProgress?: (done: number, total: number) => void
  log?: (line: string) => void
}

export interface AnalyzeOutcome {
  result: AnalysisResult
  files: WrittenFile[]
  classes: number
  simulatorRuns: number
}

/**
 * The analyze use case: snapshot (demo, file or live) → node classes → per-class simulation on
 * worker threads → assembled result → rendered outputs written atomically. Threshold
 * violations are part of the result; the command turns them into exit 4 after the files exist.
 */
export async function analyze(req: AnalyzeRequest): Promise<AnalyzeOutcome> {
  if (req.merge?.length) return merge(req, req.merge)
  // Flag problems first, before any cluster traffic or simulation.
  const rules = parseRules(req.failOn)
  // The workers start now, so that their start-up overlaps with loading the snapshot and
  // building its classes (65–95 ms each, measured 2026-12-01); runJobs closes them, and so does the
  // finally below when something fails before.
  const pool = req.jobs > 1 ? startAnalysisWorkers(req.jobs) : undefined
  // So does the thread that will read a snapshot file (snapshot-load.ts).
  const loader = req.source.kind === 'snapshot' ? startSnapshotLoader() : undefined
  try {
    return await analyzeWith(req, rules, pool, loader)
  } finally {
    await Promise.all([pool?.close(), loader?.close()])
  }
}

async function analyzeWith(
  req: AnalyzeRequest,
  rules: ParsedRule[],
  pool: WorkerPool | undefined,
  loader: SnapshotLoader | undefined,
): Promise<AnalyzeOutcome> {
  const candidates = await resolveModels(req)
  const {snapshot, source, podCount, classes: allClasses} = await loadSource(req, loader)
  const clusterName = snapshot.source.context ?? (req.source.kind === 'snapshot' ? basename(req.source.path).replace(/\.json$/, '') : 'cluster')
  if (allClasses.length === 0)
    throw new InputError(`the ${source} has no nodes`, 'collect a snapshot from a cluster with nodes (densityplan collect), or check --node-selector')
  const classes = req.shard ? allClasses.filter((_, i) => i % req.shard!.count === req.shard!.index) : allClasses
  const choices = chooseModels(candidates, allClasses, snapshot)
  const jobs = toJobs(classes, allClasses, choices)
  // The contention curve of the legacy model most nodes run on, for the assumptions' wording; each
  // class is simulated with its own legacy model's curve (analyze/run-classes.ts, contention.ts).
  const settings = {...req.settings, contentionCurve: choices.mostNodes.legacy.model.costs.cpuContention?.points}
  const total = jobs.reduce(
    (n, j) =>
      n +
      plannedRuns(
        j,
        settings,
        choices.pool.map((m) => m.model),
      ),
    0,
  )
  let done = 0
  req.onProgress?.(0, total)
  const classResults = await runJobs(jobs, {
    jobs: req.jobs,
    settings,
    models: choices.pool.map((m) => m.model),
    onRuns: (n) => req.onProgress?.((done = Math.min(total, done + n)), total),
    costs: jobs.map((j) => estimatedCost(j, settings)),
    ...(pool ? {pool} : {}),
  })
  req.onProgress?.(total, total)

  const result = assembleResult({
    toolVersion: req.toolVersion,
    cluster: {name: clusterName, source: req.source.kind, nodeCount: snapshot.nodes.length, podCount},
    generatedAt: snapshot.collectedAt,
    settings: req.settings,
    models: {legacy: provenance(choices.mostNodes.legacy), otn: provenance(choices.mostNodes.otn)},
    assumptions: assumptions(snapshot, allClasses, classResults, {...req, settings}),
    classes: classResults,
    rules,
    ...(req.shard ? {shard: req.shard} : {}),
  })

  const files = await writeOutputs(result, req)
  return {result, files, classes: classes.length, simulatorRuns: done}
}

async function writeOutputs(result: AnalysisResult, req: AnalyzeRequest): Promise<WrittenFile[]> {
  const out = req.out ?? defaultOutPath(result.cluster.name, req.nowMs, req.formats)
  const assets = req.formats.includes('html') ? await loadReportAssets() : undefined
  // Loaded here, not at start-up: the renderers and their Vega-Lite specs are ~0.1 s of imports
  // that the simulation does not need.
  const {renderOutputs} = await import('../report/index.js')
  return writeReportFiles(renderOutputs(result, req.formats, assets), out, req.formats, {force: req.force})
}

/** `--merge`: the union of `--shard` results, summaries derived again, outputs written; no simulation. */
async function merge(req: AnalyzeRequest, paths: string[]): Promise<AnalyzeOutcome> {
  if (req.failOn.length)
    throw new InputError(
      '--fail-on cannot be combined with --merge: the rules are part of each shard run',
      'pass --fail-on to the shard runs (the same rules to every shard)',
    )
  const parts = []
  for (const path of paths) parts.push({source: path, result: await readResultFile(path)})
  const merged = mergeShards(parts)
  if (typeof merged === 'string')
    throw new InputError(`cannot merge: ${merged}`, 'pass every shard written by one analyze run split with --shard i/n (the same flags and --seed), each once')
  const files = await writeOutputs(merged, req)
  return {result: merged, files, classes: merged.classes.length, simulatorRuns: 0}
}

function parseRules(exprs: string[]): ParsedRule[] {
  return exprs
    .flatMap((e) => e.split(','))
    .filter((e) => e.trim())
    .map((e) => {
      const r = parseRule(e)
      if (typeof r === 'string') throw new InputError(r, 'write thresholds like --fail-on p99>5s --fail-on maxpods<60 (see densityplan analyze --help)')
      return r
    })
}

/**
 * The models classes choose from: --model / --otn-model pin one model per path for every class;
 * otherwise every model in --models DIR (default: the shipped models/) is a candidate.
 */
async function resolveModels(req: AnalyzeRequest): Promise<{legacy: LoadedModel[]; otn: LoadedModel[]}> {
  const dirModels = req.modelPath && req.otnModelPath ? [] : req.modelsDir ? await loadModelDir(req.modelsDir) : await loadShippedModels()
  const fromDir = req.modelsDir ? `in ${req.modelsDir}` : 'shipped'
  const legacy = req.modelPath ? [await loadModelFile(req.modelPath)] : dirModels.filter((m) => m.model.path === 'legacy')
  const otn = req.otnModelPath ? [await loadModelFile(req.otnModelPath)] : dirModels.filter((m) => m.model.path === 'otn' || m.model.kernel.openTreeNamespace)
  if (legacy.length === 0)
    throw new InputError(
      `no kernel model for the legacy path ${fromDir}`,
      'pass --model FILE or --models DIR with a legacy model (densityplan calibrate writes one)',
    )
  if (otn.length === 0)
    throw new InputError(
      `no kernel model for the OTN path ${fromDir}`,
      'pass --otn-model FILE or --models DIR with a model of a kernel with OPEN_TREE_NAMESPACE (densityplan calibrate --otn-out writes one)',
    )
  for (const m of otn) {
    if (!m.model.kernel.openTreeNamespace && m.model.path !== 'otn') {
      throw new InputError(
        `${m.source} describes Linux ${m.model.kernel.release} without OPEN_TREE_NAMESPACE, so it cannot model the OTN path`,
        'pass a model measured on Linux >= 7.0 (or one whose path is otn) with --otn-model FILE',
      )
    }
  }
  return {legacy, otn}
}

async function loadModelDir(dir: string): Promise<LoadedModel[]> {
  if (!existsSync(dir))
    throw new InputError(
      `--models ${dir}: no such directory`,
      'pass a directory of model files (densityplan calibrate --out DIR/NAME.json writes them), or omit --models to use the shipped models/',
    )
  return loadShippedModels(dir, (name) => join(dir, name))
}

interface ModelChoices {
  /** Every distinct model some class uses, in first-use order; jobs index into it. */
  pool: LoadedModel[]
  perClass: Map<string, {legacy: number; otn: number; info: {legacy: ClassModelInfo; otn: ClassModelInfo}}>
  /** Per path, the model the most nodes run on: the result's top-level `models`. */
  mostNodes: {legacy: LoadedModel; otn: LoadedModel}
}

/** Each class's best model per path (src/analyze/model-choice.ts), over all classes so shards agree. */
function chooseModels(candidates: {legacy: LoadedModel[]; otn: LoadedModel[]}, classes: NodeClass[], snapshot: ClusterSnapshot): ModelChoices {
  const pool: LoadedModel[] = []
  const indexOf = (m: LoadedModel): number => {
    const i = pool.indexOf(m)
    return i >= 0 ? i : pool.push(m) - 1
  }
  const archOf = new Map(snapshot.nodes.map((n) => [n.name, n.architecture]))
  const nodesOn = new Map<LoadedModel, number>()
  const perClass: ModelChoices['perClass'] = new Map()
  for (const cls of classes) {
    const arch = archOf.get(cls.nodeNames[0] ?? '')
    const hw: ClassHardware = {kernel: cls.kernel, cores: cls.cores, nodeNames: cls.nodeNames, ...(arch ? {arch} : {})}
    const pick = (path: 'legacy' | 'otn') => {
      const c = chooseModel(candidates[path], hw, path)!
      nodesOn.set(c.chosen, (nodesOn.get(c.chosen) ?? 0) + cls.nodeNames.length)
      const info: ClassModelInfo = {
        id: c.chosen.model.id,
        file: c.chosen.source,
        sha256: c.chosen.sha256,
        score: c.score,
        mismatches: c.mismatches,
        otherHardware: c.mismatches.length > 0,
        cpuCompared: c.cpuCompared,
      }
      return {index: indexOf(c.chosen), info}
    }
    const legacy = pick('legacy')
    const otn = pick('otn')
    perClass.set(cls.id, {legacy: legacy.index, otn: otn.index, info: {legacy: legacy.info, otn: otn.info}})
  }
  const most = (list: LoadedModel[]) => [...list].sort((a, b) => (nodesOn.get(b) ?? 0) - (nodesOn.get(a) ?? 0))[0] ?? defaultModelFor(list, list[0]!.model.path)
  return {pool, perClass, mostNodes: {legacy: most(candidates.legacy), otn: most(candidates.otn)}}
}

/**
 * The snapshot without its pods, their count and the node classes. The pods live on in the
 * classes' figures and nothing after this reads them, so the snapshot is kept without them and
 * its pod objects (150,000 of them on a 5,000-node cluster) can be collected before the
 * simulation starts; a snapshot file is read on a thread of its own (snapshot-load.ts).
 */
async function loadSource(req: AnalyzeRequest, loader: SnapshotLoader | undefined): Promise<LoadedSnapshotClasses & {source: string}> {
  const s = req.source
  const ociRuntime = req.ociRuntime ? {ociRuntime: req.ociRuntime} : {}
  if (s.kind === 'snapshot') {
    const loaded = await (loader ?? startSnapshotLoader()).load({path: s.path, ...ociRuntime})
    return {...loaded, source: `snapshot ${s.path}`}
  }
  const {snapshot, source} = await snapshotOf(s, req)
  return {snapshot: {...snapshot, pods: []}, podCount: snapshot.pods.length, classes: buildNodeClasses(snapshot, ociRuntime), source}
}

/** The demo's or a live cluster's snapshot, whole. */
async function snapshotOf(s: Exclude<AnalyzeSource, {kind: 'snapshot'}>, req: AnalyzeRequest): Promise<{snapshot: ClusterSnapshot; source: string}> {
  if (s.kind === 'demo') return {snapshot: loadDemoSnapshot(), source: 'demo snapshot'}
  // Live: collect's listing and reduction, kept in memory (no snapshot file).
  try {
    // The Kubernetes client is imported only for a live cluster (~0.13 s of start-up otherwise).
    const {collectSnapshot} = await import('./collect.js')
    const {snapshot} = await collectSnapshot({
      kubeconfig: s.kubeconfig,
      context: s.context,
      namespace: s.namespace,
      nodeSelector: s.nodeSelector,
      poolLabel: s.poolLabel,
      pageSize: 500,
      maxRetries: 6,
      requestTimeoutMs: 30_000,
      windowMs: 3_600_000,
      kubeletMetrics: false,
      anonymize: false,
      log: req.log ?? (() => {}),
      ...(s.prometheus ? {prometheus: s.prometheus} : {}),
    })
    return {snapshot, source: 'cluster'}
  } catch (err) {
    // With no cluster configured at all, the likeliest wish is to try the tool: say how.
    if (err instanceof ClusterError && /no kubeconfig found/.test(err.message)) {
      throw new ClusterError(
        err.message,
        `${err.fix ?? 'pass --kubeconfig FILE'}; or analyze without a cluster: densityplan analyze --demo (or --snapshot FILE)`,
        {cause: err},
      )
    }
    throw err
  }
}

function toJobs(classes: NodeClass[], all: NodeClass[], choices: ModelChoices): ClassJob[] {
  const poolMs = new Map<string, number[]>()
  for (const c of all) poolMs.set(c.pool, (poolMs.get(c.pool) ?? []).concat(c.observedStartMs))
  const poolSli = (pool: string) => mergeHistograms(all.filter((c) => c.pool === pool && c.kubeletSli).map((c) => c.kubeletSli!))
  return classes.map((cls) => ({cls, poolObservedMs: poolMs.get(cls.pool) ?? [], poolSli: poolSli(cls.pool), models: choices.perClass.get(cls.id)!}))
}

function provenance(m: LoadedModel): ModelProvenance {
  return {
    id: m.model.id,
    file: m.source,
    sha256: m.sha256,
    measuredOnKernel: m.model.provenance.kernel,
    cpu: m.model.provenance.cpu,
    date: m.model.provenance.date,
  }
}

function defaultOutPath(cluster: string, nowMs: number, formats: ReportFormat[]): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const safe = cluster.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'cluster'
  return join('reports', `${safe}-${stamp}.${formats.length === 1 ? formats[0] : 'html'}`)
}
