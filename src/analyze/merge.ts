import type {AnalysisResult} from '../domain/analysis.js'
import {canonical, deriveSummaries} from './assemble.js'

/**
 * Merges the results of `analyze --shard i/n` runs into the result of the whole cluster without
 * re-simulating: the union of their classes, with pools, verdicts and violations derived again
 * (assemble.ts). Shards must come from the same snapshot, seed, settings, models and rules, and
 * together cover every shard index once. The merge of all shards is byte-identical to an
 * unsharded run. Returns the merged result, or a message naming what does not fit.
 */
export function mergeShards(parts: readonly {source: string; result: AnalysisResult}[]): AnalysisResult | string {
  if (parts.length === 0) return 'no results to merge'
  const first = parts[0]!
  const same = (r: AnalysisResult): string =>
    JSON.stringify([r.cluster, r.generatedAt, r.seed, r.replications, r.settings, r.models, r.thresholds.rules, r.tool, r.nullfsNote])
  for (const p of parts) {
    if (!p.result.shard) return `${p.source} is a complete result, not a shard (it has no "shard" field)`
    if (p.result.shard.count !== first.result.shard?.count)
      return `${p.source} is shard ${p.result.shard.index}/${p.result.shard.count}, but ${first.source} is one of ${first.result.shard?.count}`
    if (same(p.result) !== same(first.result))
      return `${p.source} comes from another run than ${first.source} (cluster, snapshot time, seed, settings, models, rules or tool version differ)`
  }
  const count = first.result.shard!.count
  const seen = new Map<number, string>()
  for (const p of parts) {
    const other = seen.get(p.result.shard!.index)
    if (other) return `${p.source} and ${other} are both shard ${p.result.shard!.index}/${count}`
    seen.set(p.result.shard!.index, p.source)
  }
  const missing = Array.from({length: count}, (_, i) => i).filter((i) => !seen.has(i))
  if (missing.length) return `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing`

  const classes = parts.flatMap((p) => p.result.classes)
  const ids = new Set<string>()
  for (const c of classes) {
    if (ids.has(c.id)) return `node class ${c.id} appears in two shards`
    ids.add(c.id)
  }
  const {classes: sorted, pools, overall, violations} = deriveSummaries(classes, first.result.settings.sloMs, first.result.thresholds.rules)
  // Per-class assumptions come from each shard, in class order; the cluster-wide ones are the same in every shard.
  const perClass = parts.flatMap((p) => p.result.assumptions.filter(isPerClass)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const shared = first.result.assumptions.filter((a) => !isPerClass(a))
  const {shard: _shard, ...rest} = first.result
  return canonical({
    ...rest,
    assumptions: [...perClass, ...shared],
    pools,
    classes: sorted,
    overall,
    thresholds: {rules: first.result.thresholds.rules, violations},
  })
}

/** Assumptions about one class (its overhead, its model), which each shard has for its own classes only. */
const isPerClass = (a: {id: string}): boolean => a.id.startsWith('overhead/') || a.id.startsWith('model/')
