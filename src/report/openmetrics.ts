import type {AnalysisResult, KernelPath, NodeClassResult, PoolResult} from '../domain/analysis.js'

/**
 * The analysis as OpenMetrics text (`--format prom`), for node_exporter's textfile collector,
 * a Pushgateway, or any scrape: one gauge family per figure, `densityplan_` prefix, base units
 * (seconds, ratios), label sets per pool, class and kernel path, and string facts (verdict,
 * model provenance) as `_info` gauges of value 1.
 *
 * Written in the subset that both OpenMetrics 1.0 and Prometheus text format 0.0.4 parsers
 * accept (promtool check metrics, node_exporter and the Pushgateway read 0.0.4): every family is
 * typed `gauge` (an OpenMetrics `info` type would be rejected by 0.0.4 parsers), `# UNIT` comes
 * only on `_seconds` families, and the text ends with `# EOF`. No timestamps: the same result
 * renders to the same bytes.
 *
 * Each family is one entry of FAMILIES; a new result field is one more line there.
 */

type Labels = Record<string, string>
interface Sample {
  labels: Labels
  value: number
}
interface Family {
  name: string
  help: string
  /** OpenMetrics unit; the name must end with it. */
  unit?: 'seconds' | 'ratio'
  samples: (r: AnalysisResult) => Sample[]
}

const PATHS: readonly KernelPath[] = ['legacy', 'otn']
const s = (ms: number) => ms / 1000
const perPool = (r: AnalysisResult, f: (p: PoolResult) => Array<[Labels, number]>): Sample[] =>
  r.pools.flatMap((p) => f(p).map(([l, value]) => ({labels: {pool: p.name, ...l}, value})))
const perPoolPath = (r: AnalysisResult, f: (p: PoolResult, path: KernelPath) => number): Sample[] =>
  perPool(r, (p) => PATHS.map((path) => [{path}, f(p, path)]))
const perClassPath = (r: AnalysisResult, f: (c: NodeClassResult, path: KernelPath) => number): Sample[] =>
  r.classes.flatMap((c) => PATHS.map((path) => ({labels: {pool: c.pool, class: c.id, path}, value: f(c, path)})))
const poolP99 = (p: PoolResult, path: KernelPath) => (path === 'legacy' ? p.recommendation.numbers.p99TodayLegacyMs : p.recommendation.numbers.p99TodayOtnMs)

export const FAMILIES: readonly Family[] = [
  {
    name: 'densityplan_info',
    help: 'The analysis: tool version, cluster, source, snapshot time, seed.',
    samples: (r) => [
      {
        labels: {
          version: r.tool.version,
          cluster: r.cluster.name,
          source: r.cluster.source,
          generated_at: r.generatedAt,
          seed: String(r.seed),
          ...(r.shard ? {shard: `${r.shard.index}/${r.shard.count}`} : {}),
        },
        value: 1,
      },
    ],
  },
  {
    name: 'densityplan_model_info',
    help: 'Provenance of the kernel cost model used for each path.',
    samples: (r) =>
      PATHS.map((path) => ({
        labels: {
          path,
          model: r.models[path].id,
          file: r.models[path].file,
          sha256: r.models[path].sha256,
          measured_on_kernel: r.models[path].measuredOnKernel,
          cpu: r.models[path].cpu,
          date: r.models[path].date,
        },
        value: 1,
      })),
  },
  {
    name: 'densityplan_slo_p99_seconds',
    unit: 'seconds',
    help: 'The p99 pod start latency SLO the max pods per node are solved for.',
    samples: (r) => [{labels: {}, value: s(r.settings.sloMs)}],
  },
  {
    name: 'densityplan_verdict_info',
    help: 'Overall verdict over all pools (upgrade, upgrade-with-caveats, no-gain).',
    samples: (r) => [{labels: {verdict: r.overall.verdict}, value: 1}],
  },
  {
    name: 'densityplan_pool_verdict_info',
    help: 'Verdict per pool (upgrade, upgrade-with-caveats, no-gain).',
    samples: (r) => perPool(r, (p) => [[{verdict: p.recommendation.verdict}, 1]]),
  },
  {name: 'densityplan_pool_nodes', help: 'Nodes in the pool.', samples: (r) => perPool(r, (p) => [[{}, p.nodeCount]])},
  {name: 'densityplan_pool_pods_per_node', help: 'Running pods per node today.', samples: (r) => perPool(r, (p) => [[{}, p.podsPerNodeToday]])},
  {
    name: 'densityplan_pool_predicted_pod_start_p99_seconds',
    unit: 'seconds',
    help: "Predicted p99 pod start latency at today's density and burst, per kernel path (legacy: today's CLONE_NEWNS; otn: Linux >= 7.0 OPEN_TREE_NAMESPACE).",
    samples: (r) => perPoolPath(r, (p, path) => s(poolP99(p, path))),
  },
  {
    name: 'densityplan_pool_max_pods_per_node',
    help: 'Max pods per node per kernel path: the smallest of the SLO (kernel-latency) bound and the capacity limits (maxPods, CPU and memory requests, pod IPs); the most constrained class binds.',
    samples: (r) =>
      perPoolPath(r, (p, path) => (path === 'legacy' ? p.recommendation.numbers.maxPodsPerNodeLegacy : p.recommendation.numbers.maxPodsPerNodeOtn)),
  },
  {
    name: 'densityplan_pool_max_pods_binding_limit_info',
    help: 'The limit that sets max pods per node, per kernel path (kernel-latency, max-pods, cpu, memory, pod-ips).',
    samples: (r) => perPool(r, (p) => PATHS.map((path) => [{path, limit: p.recommendation.numbers.bindingLimit[path]}, 1])),
  },
  {
    name: 'densityplan_pool_max_pods_per_node_lower_bound',
    help: '1 when the SLO still held at the largest simulated density, so the max pods per node is a lower bound.',
    samples: (r) => perPoolPath(r, (p, path) => (p.recommendation.numbers.maxPodsLowerBound[path] ? 1 : 0)),
  },
  {
    name: 'densityplan_pool_kubelet_max_pods',
    help: "The nodes' allocatable pod limit (kubelet maxPods).",
    samples: (r) => perPool(r, (p) => [[{}, p.maxPods]]),
  },
  {
    name: 'densityplan_pool_otn_eligible_pods_ratio',
    unit: 'ratio',
    help: 'Share of pods that would take the OPEN_TREE_NAMESPACE path once every node is upgraded.',
    samples: (r) => perPool(r, (p) => [[{}, p.readiness.otnEligiblePodFraction]]),
  },
  {
    name: 'densityplan_class_nodes',
    help: 'Nodes in the node class.',
    samples: (r) => r.classes.map((c) => ({labels: {pool: c.pool, class: c.id}, value: c.nodeCount})),
  },
  {
    name: 'densityplan_class_predicted_pod_start_p50_seconds',
    unit: 'seconds',
    help: "Predicted median pod start latency at today's density and burst, per node class and kernel path.",
    samples: (r) => perClassPath(r, (c, path) => s(c.results[path].today.podStart.p50Ms)),
  },
  {
    name: 'densityplan_class_predicted_pod_start_p99_seconds',
    unit: 'seconds',
    help: "Predicted p99 pod start latency at today's density and burst, per node class and kernel path.",
    samples: (r) => perClassPath(r, (c, path) => s(c.results[path].today.podStart.p99Ms)),
  },
  {
    name: 'densityplan_class_max_pods_per_node',
    help: 'Max pods per node per node class and kernel path: the smallest of the SLO (kernel-latency) bound and the capacity limits.',
    samples: (r) => perClassPath(r, (c, path) => c.density[path].maxPodsPerNode),
  },
  // Waiting on result fields other branches add (docs/report.md lists them):
  // back-test error (issue 8, back-test): densityplan_class_backtest_p99_error_ratio{pool,class}
]

/** `\`, `"` and newlines escaped as both text formats require. */
function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf'
  return String(v)
}

export function renderOpenMetrics(result: AnalysisResult, families: readonly Family[] = FAMILIES): string {
  const out: string[] = []
  for (const f of families) {
    const samples = f.samples(result)
    if (samples.length === 0) continue
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} gauge`)
    if (f.unit === 'seconds') out.push(`# UNIT ${f.name} seconds`)
    for (const {labels, value} of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${labelValue(v)}"`)
        .join(',')
      out.push(`${f.name}${l ? `{${l}}` : ''} ${number(value)}`)
    }
  }
  out.push('# EOF')
  return `${out.join('\n')}\n`
}
