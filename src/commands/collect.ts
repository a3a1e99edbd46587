import {Flags} from '@oclif/core'
import {collect, type CollectSummary} from '../app/collect.js'
import {MAX_OBSERVED_WINDOW_MS} from '../domain/limits.js'
import {InputError} from '../errors/errors.js'
import {parseDurationMs} from '../lib/duration.js'
import {BaseCommand} from './base-command.js'
import {prometheusFlags, prometheusOptions} from './prometheus-flags.js'

/** `30s`, `5m`, `1h`, `2d`, `1500ms` → whole milliseconds (lib/duration.ts: a bare number is refused). */
function durationMs(flag: string, value: string): number {
  const ms = parseDurationMs(value)
  if (ms === undefined || !(ms > 0)) throw new InputError(`--${flag} ${value} is not a duration`, `write it like 30s, 5m, 1h or 2d`)
  return Math.round(ms)
}

/** --window: at most MAX_OBSERVED_WINDOW_MS (31 days), the snapshot schema's limit (docs/limits.md). */
function windowMs(value: string): number {
  const ms = durationMs('window', value)
  if (ms > MAX_OBSERVED_WINDOW_MS)
    throw new InputError(`--window ${value} is above the limit 31d`, 'observe at most 31 days, e.g. --window 7d (see docs/limits.md)')
  return ms
}

export default class Collect extends BaseCommand {
  static override summary = 'Read nodes and pods from a cluster into a snapshot for offline analysis.'
  static override description = `Lists nodes and pods page by page (read-only: list/get only, see docs/rbac.yaml), reduces each pod to the counts the mount model needs, and writes a versioned ClusterSnapshot. No env values, Secret data, tokens, annotation values or command lines are stored. Usage details: docs/collect.md.`
  static override examples = [
    '<%= config.bin %> collect --out snapshot.json',
    '<%= config.bin %> collect --context prod -n payments --out payments.json --json',
    '<%= config.bin %> collect --node-selector karpenter.sh/nodepool=general --kubelet-metrics --anonymize --out s.json',
    '<%= config.bin %> collect --prometheus http://prometheus-k8s.monitoring.svc:9090 --prometheus-window 14d --out s.json',
  ]

  static override flags = {
    kubeconfig: Flags.string({description: 'Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).'}),
    context: Flags.string({description: 'Kubeconfig context to use (default: current-context).'}),
    namespace: Flags.string({char: 'n', description: 'Only pods of this namespace (nodes are always cluster-wide).', exclusive: ['all-namespaces']}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Pods of all namespaces (the default).', exclusive: ['namespace']}),
    'node-selector': Flags.string({description: 'Only nodes matching this label selector, and the pods on them (e.g. karpenter.sh/nodepool=general).'}),
    'pool-label': Flags.string({description: 'Node label naming the pool, tried before the built-in GKE/EKS/Karpenter/AKS/instance-type labels.'}),
    'page-size': Flags.integer({description: 'Objects per list page (limit/continue).', default: 500, min: 1, max: 10_000}),
    'max-retries': Flags.integer({description: 'Retries per request on 429, 5xx and timeouts (backoff honours Retry-After).', default: 6, min: 0, max: 50}),
    'request-timeout': Flags.string({description: 'Timeout of each API request.', default: '30s'}),
    window: Flags.string({description: 'Observed window for pod churn and start latencies, ending now.', default: '1h'}),
    'kubelet-metrics': Flags.boolean({
      description: 'Also read kubelet pod-start and runtime-operation histograms through the node proxy (needs get nodes/proxy).',
    }),
    mountinfo: Flags.string({description: 'Directory of real /proc/1/mountinfo captures, one file per node named after it (see docs/collect.md).'}),
    ...prometheusFlags,
    anonymize: Flags.boolean({description: 'Replace node, namespace, pool, claim and context names with stable salted hashes.'}),
    salt: Flags.string({description: 'Salt for --anonymize, to keep hashes stable across snapshots (default: random per run).', dependsOn: ['anonymize']}),
    out: Flags.string({char: 'o', description: 'Snapshot file to write.', required: true}),
    force: Flags.boolean({description: 'Overwrite --out if it exists.'}),
  }

  async run(): Promise<CollectSummary> {
    const {flags} = await this.parse(Collect)
    const quiet = this.jsonEnabled()
    const requestTimeoutMs = durationMs('request-timeout', flags['request-timeout'])
    const summary = await collect({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      namespace: flags.namespace,
      nodeSelector: flags['node-selector'],
      poolLabel: flags['pool-label'],
      pageSize: flags['page-size'],
      maxRetries: flags['max-retries'],
      requestTimeoutMs,
      windowMs: windowMs(flags.window),
      kubeletMetrics: flags['kubelet-metrics'] ?? false,
      prometheus: prometheusOptions(flags, requestTimeoutMs),
      mountinfoDir: flags.mountinfo,
      anonymize: flags.anonymize ?? false,
      salt: flags.salt,
      out: flags.out,
      force: flags.force ?? false,
      // Progress goes to stderr; with --json only warnings do, so stdout stays one JSON document.
      log: (line) => {
        if (!quiet || line.startsWith('warning:')) process.stderr.write(`${line}\n`)
      },
    })
    if (!quiet) {
      this.log(
        `Collected ${summary.nodes} nodes and ${summary.pods} pods in ${summary.pages} pages (${summary.retries} retries) from ${summary.context ?? 'the cluster'} (${summary.clusterVersion}).`,
      )
      if (flags['kubelet-metrics'] || flags.prometheus) this.log(`Kubelet metrics from ${summary.kubeletMetricsNodes} of ${summary.nodes} nodes.`)
      if (flags.mountinfo) this.log(`Real mount tables (mountinfo) for ${summary.mountinfoNodes} of ${summary.nodes} nodes.`)
      this.log(
        `Wrote ${summary.out} (${(summary.bytes / 1e6).toFixed(1)} MB) in ${(summary.durationMs / 1000).toFixed(1)} s, ${summary.podsPerSecond} pods/s${summary.warnings.length ? `; ${summary.warnings.length} warning(s) above` : ''}.`,
      )
    }
    return summary
  }
}
