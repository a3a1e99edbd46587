import type {Histogram} from '../domain/snapshot.js'
import {histogramQuantile} from '../profile/histogram.js'
import {classify} from '../cluster/failure.js'
import type {PodClient} from '../cluster/pod-client.js'
import {parseHistograms} from '../cluster/prometheus.js'

/**
 * What `calibrate --node` reads about the node from inside the calibration pod, with one exec of
 * a POSIX shell script (busybox and Debian both run it). hostPID makes /proc/1 the node's init:
 * its mount table is the node's, and /proc/1/root/boot holds the node's kernel config.
 */
export const FACTS_SCRIPT = [
  'echo "release=$(uname -r)"',
  'echo "machine=$(uname -m)"',
  "echo \"cpu=$(grep -m1 -E '^(model name|Hardware|cpu model)' /proc/cpuinfo | sed 's/^[^:]*: *//')\"",
  'echo "cores=$(grep -c ^processor /proc/cpuinfo)"',
  'echo "hz=$( (cat "/proc/1/root/boot/config-$(uname -r)" 2>/dev/null || zcat /proc/config.gz 2>/dev/null) | grep -m1 \'^CONFIG_HZ=\' | cut -d= -f2)"',
  'echo "mounts=$(wc -l < /proc/1/mountinfo)"',
  'echo "loadavg=$(cat /proc/loadavg)"',
].join('; ')

export interface NodeFacts {
  release: string
  machine: string
  cpu: string
  cores: number
  hz: number | undefined
  /** Lines of the node's (pid 1's) mountinfo: the host mounts a runtime start copies. */
  mounts: number
  loadavg: string
}

export function parseFacts(stdout: string): NodeFacts {
  const kv = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=')
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim())
  }
  const int = (k: string): number | undefined => {
    const v = Number.parseInt(kv.get(k) ?? '', 10)
    return Number.isFinite(v) && v > 0 ? v : undefined
  }
  return {
    release: kv.get('release') || 'unknown',
    machine: kv.get('machine') || 'unknown',
    cpu: kv.get('cpu') || 'unknown',
    cores: int('cores') ?? 1,
    hz: int('hz'),
    mounts: int('mounts') ?? 0,
    loadavg: kv.get('loadavg')?.split(/\s+/).slice(0, 3).join('/') ?? 'unknown',
  }
}

/** uname -m → Kubernetes' nodeInfo.architecture. */
export function goArch(machine: string): string {
  return (
    ({x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'} as Record<string, string>)[machine] ?? machine
  )
}

/** Fewer observed starts than this and the histograms are not used (fork/exec stands in). */
export const MIN_RUNTIME_OPERATIONS = 20
/** Evenly spaced quantiles read from the histograms. */
const QUANTILES = 49

/**
 * Runtime start times from kubelet's kubelet_runtime_operations_duration_seconds: the
 * create_container and start_container histograms read at the same 49 quantiles and added
 * (quantile-wise, as if a slow create went with a slow start: an upper bound on the spread),
 * bucket-interpolated. Null when start_container has fewer than MIN_RUNTIME_OPERATIONS starts.
 */
export function runtimeStartSamples(metricsText: string): {startNs: number[]; starts: number; operations: string[]} | null {
  const ops = parseHistograms(metricsText, 'kubelet_runtime_operations_duration_seconds', 'operation_type')
  const start = ops.get('start_container')
  const starts = total(start)
  if (!start || starts < MIN_RUNTIME_OPERATIONS) return null
  const create = ops.get('create_container')
  const parts: Histogram[] = create && total(create) > 0 ? [create, start] : [start]
  const startNs: number[] = []
  for (let i = 1; i <= QUANTILES; i++) {
    const q = i / (QUANTILES + 1)
    startNs.push(Math.round(parts.reduce((sum, h) => sum + (histogramQuantile(h, q) ?? 0), 0) * 1e9))
  }
  return {startNs, starts, operations: parts.length === 2 ? ['create_container', 'start_container'] : ['start_container']}
}

function total(h: Histogram | undefined): number {
  return h?.buckets.at(-1)?.count ?? 0
}

/** The node's runtime start times from its kubelet's histograms, or null (and why) when not readable. */
export async function kubeletRuntime(
  client: PodClient,
  node: string,
  log: (line: string) => void,
): Promise<{startNs: number[]; source: string} | {whyNot: string}> {
  let text: string
  try {
    text = await client.nodeMetrics(node)
  } catch (err) {
    const f = classify(err)
    const whyNot =
      f.kind === 'http'
        ? `get nodes/proxy answered ${f.status}${f.reason ? ` ${f.reason}` : ''}`
        : f.kind === 'network'
          ? f.code
          : f.kind === 'timeout'
            ? 'timeout'
            : f.kind === 'plugin'
              ? `exec credential plugin ${f.command}: ${f.detail}`
              : f.message
    log(`kubelet metrics of ${node} not readable (${whyNot}): forkExecOverhead from fork/exec on the node`)
    return {whyNot}
  }
  const samples = runtimeStartSamples(text)
  if (!samples) {
    const whyNot = `fewer than ${MIN_RUNTIME_OPERATIONS} start_container operations in kubelet_runtime_operations_duration_seconds`
    log(`kubelet metrics of ${node}: ${whyNot}; forkExecOverhead from fork/exec on the node`)
    return {whyNot}
  }
  return {
    startNs: samples.startNs,
    source: `the node's kubelet_runtime_operations_duration_seconds (${samples.operations.join(' + ')}, ${samples.starts} starts, read at 49 evenly spaced quantiles, bucket-interpolated, added quantile by quantile)`,
  }
}
