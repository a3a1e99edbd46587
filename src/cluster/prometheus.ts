import type {Histogram} from '../domain/snapshot.js'

/**
 * Reads Prometheus histograms from kubelet's text exposition: bucket lines are summed over
 * label sets (other than `le` and `groupBy`), so one histogram per group value comes out.
 * Only the named metric is read; everything else in the text is skipped.
 */
export function parseHistograms(text: string, metric: string, groupBy?: string): Map<string, Histogram> {
  const acc = new Map<string, {buckets: Map<number | null, number>; sum: number; count: number}>()
  const get = (g: string) => {
    let h = acc.get(g)
    if (!h) acc.set(g, (h = {buckets: new Map(), sum: 0, count: 0}))
    return h
  }
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/
  for (const raw of text.split('\n')) {
    if (!raw.startsWith(metric)) continue
    const m = raw.match(line)
    if (!m) continue
    const [, name, labelText, valueText] = m
    const labels = Object.fromEntries([...(labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]))
    const value = Number(valueText)
    if (!Number.isFinite(value)) continue
    const h = get(groupBy ? (labels[groupBy] ?? '') : '')
    if (name === `${metric}_bucket`) {
      const le = labels['le'] === '+Inf' ? null : Number(labels['le'])
      if (le !== null && !Number.isFinite(le)) continue
      h.buckets.set(le, (h.buckets.get(le) ?? 0) + value)
    } else if (name === `${metric}_sum`) h.sum += value
    else if (name === `${metric}_count`) h.count += value
  }
  const out = new Map<string, Histogram>()
  for (const [g, h] of acc) {
    const buckets = [...h.buckets.entries()].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([le, count]) => ({le, count}))
    out.set(g, {buckets, sum: h.sum, count: h.count})
  }
  return out
}
