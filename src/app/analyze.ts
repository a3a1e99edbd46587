import {basename, join} from 'node:path'
import {assembleResult} from '../analyze/assemble.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import {plannedRuns, type ClassJob} from '../analyze/run-classes.js'
import {NODE_ASSUMPTIONS} from '../analyze/sim-adapter.js'
import {SWEEP_STOP_FACTOR, SAMPLES_PER_POINT} from '../analyze/analyze-class.js'
import {mergeHistograms} from '../analyze/histogram.js'
import {mergeShards} from '../analyze/merge.js'
import {parseRule, type ParsedRule} from '../analyze/thresholds.js'
import type {AnalysisResult, Assumption, ModelProvenance} from '../domain/analysis.js'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {ClusterError, InputError} from '../errors/errors.js'
import {loadDemoSnapshot} from '../io/demo.js'
import {loadModelFile, loadShippedModels, type LoadedModel} from '../io/model-file.js'
import {loadReportAssets} from '../io/report-assets.js'
import {readResultFile, writeReportFiles, type WrittenFile} from '../io/report-writer.js'
import {readSnapshot} from '../io/snapshot-file.js'
import {defaultModelFor} from '../model/registry.js'
import {buildNodeClasses, type NodeClass} from '../profile/node-classes.js'
import {renderOutputs, type ReportFormat} from '../report/index.js'
import {runJobs} from './analyze-jobs.js'
import {collectSnapshot} from './collect.js'

export type AnalyzeSource =
  | {kind: 'demo'}
  | {kind: 'snapshot'; path: string}
  | {kind: 'live'; kubeconfig?: string; context?: string; namespace?: string; nodeSelector?: string; poolLabel?: string}

export interface AnalyzeRequest {
  source: AnalyzeSource
  modelPath?: string
  otnModelPath?: string
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
  const models = await resolveModels(req)
  const {snapshot, source} = await loadSource(req)
  const clusterName = snapshot.source.context ?? (req.source.kind === 'snapshot' ? basename(req.source.path).replace(/\.json$/, '') : 'cluster')

  const allClasses = buildNodeClasses(snapshot, req.ociRuntime ? {ociRuntime: req.ociRuntime} : {})
  if (allClasses.length === 0) throw new InputError(`the ${source} has no nodes`, 'collect a snapshot from a cluster with nodes (densityplan collect), or check --node-selector')
  const classes = req.shard ? allClasses.filter((_, i) => i % req.shard!.count === req.shard!.index) : allClasses
  const jobs = toJobs(classes, allClasses)
  const total = jobs.reduce((n, j) => n + plannedRuns(j, req.settings), 0)
  let done = 0
  req.onProgress?.(0, total)
  const classResults = await runJobs(jobs, {
    jobs: req.jobs,
    settings: req.settings,
    models: {legacy: models.legacy.model, otn: models.otn.model},
    onRuns: (n) => req.onProgress?.((done = Math.min(total, done + n)), total),
  })
  req.onProgress?.(total, total)

  const result = assembleResult({
    toolVersion: req.toolVersion,
    cluster: {name: clusterName, source: req.source.kind, nodeCount: snapshot.nodes.length, podCount: snapshot.pods.length},
    generatedAt: snapshot.collectedAt,
    settings: req.settings,
    models: {legacy: provenance(models.legacy), otn: provenance(models.otn)},
    assumptions: assumptions(snapshot, allClasses, classResults, req),
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
  return writeReportFiles(renderOutputs(result, req.formats, assets), out, req.formats, {force: req.force})
}

/** `--merge`: the union of `--shard` results, summaries derived again, outputs written; no simulation. */
async function merge(req: AnalyzeRequest, paths: string[]): Promise<AnalyzeOutcome> {
  if (req.failOn.length) throw new InputError('--fail-on cannot be combined with --merge: the rules are part of each shard run', 'pass --fail-on to the shard runs (the same rules to every shard)')
  const parts = []
  for (const path of paths) parts.push({source: path, result: await readResultFile(path)})
  const merged = mergeShards(parts)
  if (typeof merged === 'string') throw new InputError(`cannot merge: ${merged}`, 'pass every shard written by one analyze run split with --shard i/n (the same flags and --seed), each once')
  const files = await writeOutputs(merged, req)
  return {result: merged, files, classes: merged.classes.length, simulatorRuns: 0}
}

function parseRules(exprs: string[]): ParsedRule[] {
  return exprs.flatMap((e) => e.split(',')).filter((e) => e.trim()).map((e) => {
    const r = parseRule(e)
    if (typeof r === 'string') throw new InputError(r, 'write thresholds like --fail-on p99>5s --fail-on maxpods<60 (see densityplan analyze --help)')
    return r
  })
}

async function resolveModels(req: AnalyzeRequest): Promise<{legacy: LoadedModel; otn: LoadedModel}> {
  const shipped = req.modelPath && req.otnModelPath ? [] : await loadShippedModels()
  const legacy = req.modelPath ? await loadModelFile(req.modelPath) : defaultModelFor(shipped, 'legacy')
  const otn = req.otnModelPath ? await loadModelFile(req.otnModelPath) : defaultModelFor(shipped, 'otn')
  if (!otn.model.kernel.openTreeNamespace && otn.model.path !== 'otn') {
    throw new InputError(`${otn.source} describes Linux ${otn.model.kernel.release} without OPEN_TREE_NAMESPACE, so it cannot model the OTN path`, 'pass a model measured on Linux >= 7.0 (or one whose path is otn) with --otn-model FILE')
  }
  return {legacy, otn}
}

async function loadSource(req: AnalyzeRequest): Promise<{snapshot: ClusterSnapshot; source: string}> {
  const s = req.source
  if (s.kind === 'demo') return {snapshot: loadDemoSnapshot(), source: 'demo snapshot'}
  if (s.kind === 'snapshot') return {snapshot: await readSnapshot(s.path), source: `snapshot ${s.path}`}
  // Live: collect's listing and reduction, kept in memory (no snapshot file).
  try {
    const {snapshot} = await collectSnapshot({
      kubeconfig: s.kubeconfig, context: s.context, namespace: s.namespace, nodeSelector: s.nodeSelector, poolLabel: s.poolLabel,
      pageSize: 500, maxRetries: 6, requestTimeoutMs: 30_000, windowMs: 3_600_000, kubeletMetrics: false,
      anonymize: false, log: req.log ?? (() => {}),
    })
    return {snapshot, source: 'cluster'}
  } catch (err) {
    // With no cluster configured at all, the likeliest wish is to try the tool: say how.
    if (err instanceof ClusterError && /no kubeconfig found/.test(err.message)) {
      throw new ClusterError(err.message, `${err.fix ?? 'pass --kubeconfig FILE'}; or analyze without a cluster: densityplan analyze --demo (or --snapshot FILE)`, {cause: err})
    }
    throw err
  }
}

function toJobs(classes: NodeClass[], all: NodeClass[]): ClassJob[] {
  const poolMs = new Map<string, number[]>()
  for (const c of all) poolMs.set(c.pool, (poolMs.get(c.pool) ?? []).concat(c.observedStartMs))
  const poolSli = (pool: string) => mergeHistograms(all.filter((c) => c.pool === pool && c.kubeletSli).map((c) => c.kubeletSli!))
  return classes.map((cls) => ({cls, poolObservedMs: poolMs.get(cls.pool) ?? [], poolSli: poolSli(cls.pool)}))
}

function provenance(m: LoadedModel): ModelProvenance {
  return {id: m.model.id, file: m.source, sha256: m.sha256, measuredOnKernel: m.model.provenance.kernel, cpu: m.model.provenance.cpu, date: m.model.provenance.date}
}

function assumptions(snapshot: ClusterSnapshot, classes: NodeClass[], results: AnalysisResult['classes'], req: AnalyzeRequest): Assumption[] {
  const out: Assumption[] = []
  for (const r of results) out.push({id: `overhead/${r.id}`, source: r.overhead.source, text: `non-mount pod start time for ${r.id}: ${r.overhead.note}`})
  const runtimes = new Map(classes.map((c) => [c.containerRuntime, c.oci]))
  for (const [cri, oci] of [...runtimes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push({id: `oci-runtime/${cri}`, source: req.ociRuntime ? 'override' : 'inferred', text: `${cri} → ${oci.name}: ${oci.basis}. The Node object does not show the OCI runtime; override with --oci-runtime.`})
  }
  const measured = snapshot.derived.filter((d) => d.hostMountsSource === 'mountinfo').length
  out.push({
    id: 'host-mounts',
    source: measured === snapshot.derived.length && measured > 0 ? 'observed' : 'inferred',
    text: `host mount tables: real /proc/1/mountinfo counts on ${measured} node(s), estimated from pod specs on ${snapshot.derived.length - measured} (about 30 baseline mounts + the pod's sandbox, rootfs, tmpfs and CSI mounts). Other densities extrapolate with each class's mounts per pod.`,
  })
  out.push({
    id: 'burst',
    source: req.settings.burstOverride === undefined ? 'inferred' : 'override',
    text: req.settings.burstOverride === undefined
      ? "pods started at once at today's density: the largest of a rolling update (25% maxSurge of a node's ReplicaSet pods), a drained node's refill (all its pods) and the busiest minute of Job creations; other densities keep the same share of the node's pods."
      : `pods started at once at today's density: ${req.settings.burstOverride} (--burst); other densities keep the same share of the node's pods.`,
  })
  out.push({
    id: 'node',
    source: 'default',
    text: `each node runs ${NODE_ASSUMPTIONS.baseThreads} threads plus ${NODE_ASSUMPTIONS.threadsPerPod} per running pod (pivot_root walks all threads) and ${NODE_ASSUMPTIONS.readers} background mountinfo readers re-reading the table every ${NODE_ASSUMPTIONS.readerIntervalMs / 1000} s on average (systemd, kubelet/cadvisor, a node agent).`,
  })
  if (!snapshot.complete) out.push({id: 'snapshot/incomplete', source: 'observed', text: 'the snapshot is marked incomplete (a node or pod list did not finish): pools may be missing nodes or pods.'})
  snapshot.warnings.forEach((w, i) => out.push({id: `snapshot/warning-${i + 1}`, source: 'observed', text: `collect warned: ${w}`}))
  out.push({id: 'pod-shape', source: 'inferred', text: "each class simulates its average pod, with containers, init containers and mounts rounded to whole numbers; user-namespaced and hooked pods fall back to the legacy path at their class's share."})
  out.push({
    id: 'sweep',
    source: 'default',
    text: `the density sweep stops at the first point whose p99 exceeds ${SWEEP_STOP_FACTOR}× the SLO; dense points use fewer replications (at least 2) once one run holds ${SAMPLES_PER_POINT} pod starts.`,
  })
  return out
}

function defaultOutPath(cluster: string, nowMs: number, formats: ReportFormat[]): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const safe = cluster.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'cluster'
  return join('reports', `${safe}-${stamp}.${formats.length === 1 ? formats[0] : 'html'}`)
}
