import {CONTENTION_MODES, type ContentionMode} from '../analyze/contention.js'
import {availableParallelism} from 'node:os'
import {Flags} from '@oclif/core'
import {analyze, type AnalyzeOutcome, type AnalyzeSource} from '../app/analyze.js'
import {parseFormats} from '../app/report.js'
import {parseDurationMs} from '../lib/duration.js'
import {DEFAULT_SETTINGS} from '../analyze/plan.js'
import type {AnalysisResult} from '../domain/analysis.js'
import {InputError, ThresholdError} from '../errors/errors.js'
import {BaseCommand} from './base-command.js'
import {prometheusFlags, prometheusOptions} from './prometheus-flags.js'
import {startProgress} from '../app/analyze-progress.js'
import {renderSummary} from '../cli/summary.js'

export default class Analyze extends BaseCommand {
  static override summary =
    'Simulate pod starts per node class on the legacy and OPEN_TREE_NAMESPACE paths and recommend kernel upgrades and max pods per node.'
  static override description = `Reads a cluster (current kubeconfig context by default), a snapshot (--snapshot) or the embedded demo cluster (--demo); groups nodes into classes; simulates today's density with a start burst, a density sweep and burst sizes on both kernel paths; solves the max pods/node whose p99 pod start meets --slo; writes an HTML report (and --format json,csv,md). Exit 4 when a --fail-on threshold is violated (the report is still written). Details: docs/analyze.md.`
  static override examples = [
    '<%= config.bin %> analyze --demo',
    '<%= config.bin %> analyze --snapshot snapshot.json --format html,json --out plan.html',
    '<%= config.bin %> analyze --context prod --slo 5s --fail-on p99>5s --json',
    '<%= config.bin %> analyze --demo --jobs 2 --seed 7 --replications 8',
    '<%= config.bin %> analyze --snapshot s.json --format prom --out /var/lib/node_exporter/textfile/densityplan.prom --force',
    '<%= config.bin %> analyze --snapshot s.json --shard 0/2 --format json --out shard-0.json  # one per shard, then:',
    '<%= config.bin %> analyze --merge shard-0.json --merge shard-1.json --format html,json --out plan.html',
  ]

  static override flags = {
    demo: Flags.boolean({
      description: 'Analyze the embedded demo cluster (no cluster needed).',
      exclusive: ['snapshot', 'kubeconfig', 'context', 'namespace', 'node-selector', 'prometheus'],
    }),
    snapshot: Flags.string({
      description: 'Analyze a snapshot written by `densityplan collect`.',
      exclusive: ['demo', 'kubeconfig', 'context', 'namespace', 'node-selector', 'prometheus'],
    }),
    kubeconfig: Flags.string({description: 'Kubeconfig file for a live cluster (default: $KUBECONFIG, then ~/.kube/config).'}),
    context: Flags.string({description: 'Kubeconfig context (default: current-context).'}),
    namespace: Flags.string({char: 'n', description: 'Only pods of this namespace.', exclusive: ['all-namespaces']}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Pods of all namespaces (the default).', exclusive: ['namespace']}),
    'node-selector': Flags.string({description: 'Only nodes matching this label selector.'}),
    'pool-label': Flags.string({description: 'Node label naming the pool.'}),
    ...prometheusFlags,
    slo: Flags.string({description: 'p99 pod start latency SLO (Kubernetes: 5s).', default: '5s'}),
    out: Flags.string({char: 'o', description: 'Report path (default: reports/<cluster>-<timestamp>.html); other formats go next to it.'}),
    format: Flags.string({
      description: 'Comma-separated outputs: html, json, csv, md, prom (OpenMetrics text for a textfile collector or Pushgateway).',
      default: 'html',
    }),
    force: Flags.boolean({description: 'Overwrite existing output files.'}),
    seed: Flags.integer({description: 'Seed of every simulation (same seed, same snapshot → byte-identical JSON).', default: 1, min: 0, max: 0xffff_ffff}),
    replications: Flags.integer({
      description: 'Replications per operating point (confidence intervals).',
      default: DEFAULT_SETTINGS.replications,
      min: 2,
      max: 200,
    }),
    'sweep-points': Flags.integer({
      description: 'Evenly spaced densities in the pods/node sweep (today and maxPods are added).',
      default: DEFAULT_SETTINGS.sweepPoints,
      min: 2,
      max: 50,
    }),
    'burst-sizes': Flags.string({description: 'Burst sizes of the burst × density grid.', default: DEFAULT_SETTINGS.burstSizes.join(',')}),
    burst: Flags.integer({description: "Pods started at once at today's density (default: derived from the snapshot).", min: 1, max: 10_000}),
    jobs: Flags.integer({description: 'Worker threads that simulate node classes in parallel (results do not depend on it).', min: 1, max: 64}),
    shard: Flags.string({description: 'Analyze only shard i of n of the node classes (i/n, 0-based), e.g. for an Indexed Job.'}),
    merge: Flags.string({
      description: 'Merge the JSON results of all --shard runs (repeatable) into one report, without simulating.',
      multiple: true,
      exclusive: ['demo', 'snapshot', 'shard', 'kubeconfig', 'context'],
    }),
    model: Flags.string({description: 'Kernel model file for the legacy path, for every class (default: each class picks from --models).'}),
    'otn-model': Flags.string({description: 'Kernel model file for the OPEN_TREE_NAMESPACE path, for every class (default: each class picks from --models).'}),
    models: Flags.string({
      description:
        'Directory of model files; each node class gets the one whose kernel major.minor, CPU and core count match it best (docs/model.md) [default: the shipped models/].',
      helpValue: 'DIR',
    }),
    'oci-runtime': Flags.string({description: 'OCI runtime on every node, instead of inferring it from the CRI.', options: ['runc', 'crun', 'crun-legacy']}),
    contention: Flags.string({
      description:
        "CPU-contention curve: 'measured' (only on nodes with the measured machine's core count), 'none', or 'scaled' (stretched onto every core count, pessimistic).",
      options: [...CONTENTION_MODES],
      default: DEFAULT_SETTINGS.contention,
    }),
    'fail-on': Flags.string({description: 'Exit 4 when this holds for any pool, e.g. p99>5s, otn.p99>2s, maxpods<60, gain<10 (repeatable).', multiple: true}),
  }

  async run(): Promise<AnalysisResult> {
    const {flags} = await this.parse(Analyze)
    const json = this.jsonEnabled()
    const source: AnalyzeSource = flags.demo
      ? {kind: 'demo'}
      : flags.snapshot
        ? {kind: 'snapshot', path: flags.snapshot}
        : {
            kind: 'live',
            kubeconfig: flags.kubeconfig,
            context: flags.context,
            namespace: flags.namespace,
            nodeSelector: flags['node-selector'],
            poolLabel: flags['pool-label'],
            prometheus: prometheusOptions(flags, 30_000),
          }
    const progress = json ? undefined : startProgress()
    let outcome: AnalyzeOutcome
    try {
      outcome = await analyze({
        source,
        modelPath: flags.model,
        otnModelPath: flags['otn-model'],
        modelsDir: flags.models,
        settings: {
          ...DEFAULT_SETTINGS,
          seed: flags.seed,
          replications: flags.replications,
          sweepPoints: flags['sweep-points'],
          burstSizes: parseBurstSizes(flags['burst-sizes']),
          sloMs: parseSloMs(flags.slo),
          ...(flags.burst === undefined ? {} : {burstOverride: flags.burst}),
          contention: flags.contention as ContentionMode,
        },
        ociRuntime: flags['oci-runtime'],
        jobs: flags.jobs ?? Math.max(1, Math.min(2, availableParallelism())),
        ...(flags.shard ? {shard: parseShard(flags.shard)} : {}),
        ...(flags.merge ? {merge: flags.merge} : {}),
        out: flags.out,
        formats: parseFormats(flags.format),
        force: flags.force,
        failOn: flags['fail-on'] ?? [],
        toolVersion: this.config.version,
        nowMs: Date.now(),
        onProgress: progress?.update,
        log: json ? undefined : (line) => process.stderr.write(`${line}\n`),
      })
    } finally {
      progress?.stop()
    }
    const {result} = outcome
    if (!json) this.log(renderSummary(outcome))
    const violations = result.thresholds.violations
    if (violations.length > 0) {
      const err = new ThresholdError(violations.map((v) => v.message))
      if (!json) throw err
      // --json: stdout carries the result (the report's data) and the exit code says "violated".
      this.logJson(result)
      process.stderr.write(`Error: ${err.message}\n`)
      this.exit(err.exitCode)
    }
    return result
  }
}

export function parseSloMs(value: string): number {
  const ms = parseDurationMs(value)
  if (ms === undefined || !(ms > 0)) throw new InputError(`--slo ${value} is not a duration`, 'write it like 5s or 2500ms')
  return ms
}

export function parseShard(value: string): {index: number; count: number} {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim())
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index >= count)
    throw new InputError(
      `--shard ${value} is not i/n with 0 <= i < n`,
      'write it like --shard 0/4 (shard 0 of 4); in an Indexed Job use $JOB_COMPLETION_INDEX/<completions>',
    )
  return {index, count}
}

function parseBurstSizes(value: string): number[] {
  const sizes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 10_000)) {
    throw new InputError(`--burst-sizes ${value} is not a list of pod counts`, 'write it like --burst-sizes 1,10,25,50,100')
  }
  return [...new Set(sizes)].sort((a, b) => a - b)
}
