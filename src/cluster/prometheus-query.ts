import type {Histogram} from '../domain/snapshot.js'

/**
 * PromQL for the kubelet histograms densityplan reads, and the reading of `/api/v1/query`
 * answers back into cumulative histograms. No I/O here: prometheus-source.ts sends the queries.
 */

export const POD_START_SLI = 'kubelet_pod_start_sli_duration_seconds'
/** Older kubelets (< 1.26) have no SLI metric; this one includes image pulls, so it is the fallback. */
export const POD_START_FALLBACK = 'kubelet_pod_start_duration_seconds'
export const RUNTIME_OPERATIONS = 'kubelet_runtime_operations_duration_seconds'

/** A Prometheus duration (`7d`, `36h`, `1h30m`); checked before any query is sent. */
export const PROMETHEUS_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/
/** A Prometheus label name. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

export type HistogramPart = 'bucket' | 'sum' | 'count'

/** `sum by (le, node) (increase(metric_bucket[7d]))`, and the `_sum`/`_count` twins without `le`. */
export function histogramQuery(metric: string, part: HistogramPart, window: string, by: readonly string[]): string {
  const labels = part === 'bucket' ? ['le', ...by] : [...by]
  return `sum by (${labels.join(', ')}) (increase(${metric}_${part}[${window}]))`
}

/** One sample of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>
  value: number
}

/** What the API answered, classified: the vector, a query error, or something else entirely. */
export type QueryAnswer =
  {kind: 'vector'; samples: VectorSample[]} | {kind: 'error'; errorType: string; error: string} | {kind: 'not-prometheus'; detail: string}

/** Reads a `/api/v1/query` JSON body (any status code: errors come as JSON too). */
export function readQueryAnswer(body: string): QueryAnswer {
  let doc: unknown
  try {
    doc = JSON.parse(body)
  } catch {
    return {kind: 'not-prometheus', detail: `the answer is not JSON (starts with ${JSON.stringify(body.slice(0, 40))})`}
  }
  const d = doc as {status?: unknown; errorType?: unknown; error?: unknown; data?: {resultType?: unknown; result?: unknown}}
  if (d?.status === 'error') return {kind: 'error', errorType: String(d.errorType ?? ''), error: String(d.error ?? '')}
  if (d?.status !== 'success' || d.data?.resultType !== 'vector' || !Array.isArray(d.data.result)) {
    return {kind: 'not-prometheus', detail: 'the answer is not a Prometheus instant-vector result'}
  }
  const samples: VectorSample[] = []
  for (const r of d.data.result as Array<{metric?: Record<string, string>; value?: [number, string]}>) {
    const value = Number(r.value?.[1])
    // increase() of a series with a single sample in the window is empty, not NaN; NaN/Inf still skipped.
    if (!Number.isFinite(value)) continue
    samples.push({metric: r.metric ?? {}, value})
  }
  return {kind: 'vector', samples}
}

/** The node a series belongs to: the label's value, with `:port` dropped for `instance`. */
export function nodeOf(metric: Record<string, string>, label: string): string | null {
  const v = metric[label]
  if (!v) return null
  return label === 'instance' ? v.replace(/:\d+$/, '') : v
}

/**
 * Builds one cumulative histogram per key from the three vectors of one metric. `key` maps a
 * series' labels to its group (node, or node + operation); series it maps to null are dropped.
 */
export function histogramsFromVectors(parts: Record<HistogramPart, VectorSample[]>, key: (m: Record<string, string>) => string | null): Map<string, Histogram> {
  const acc = new Map<string, {buckets: Map<number | null, number>; sum: number; count: number}>()
  const get = (k: string) => {
    let h = acc.get(k)
    if (!h) acc.set(k, (h = {buckets: new Map(), sum: 0, count: 0}))
    return h
  }
  for (const s of parts.bucket) {
    const k = key(s.metric)
    const leText = s.metric['le']
    if (k === null || leText === undefined) continue
    const le = leText === '+Inf' ? null : Number(leText)
    if (le !== null && !Number.isFinite(le)) continue
    const h = get(k)
    h.buckets.set(le, (h.buckets.get(le) ?? 0) + s.value)
  }
  for (const s of parts.sum) {
    const k = key(s.metric)
    if (k !== null && acc.has(k)) get(k).sum += s.value
  }
  for (const s of parts.count) {
    const k = key(s.metric)
    if (k !== null && acc.has(k)) get(k).count += s.value
  }
  const out = new Map<string, Histogram>()
  for (const [k, h] of acc) {
    const buckets = [...h.buckets.entries()].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([le, count]) => ({le, count}))
    out.set(k, {buckets, sum: h.sum, count: h.count})
  }
  return out
}
