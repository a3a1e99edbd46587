import type {AnalysisResult} from '../domain/analysis.js'
import {formatDensity, recommendedDensity} from '../domain/density-text.js'
import {formatMs} from '../lib/format.js'

/** The one-screen summary `analyze` prints after writing its outputs (plain text, no colour). */
export function renderSummary(o: {result: AnalysisResult; files: ReadonlyArray<{path: string}>; classes: number}): string {
  const r = o.result
  const lines: string[] = []
  lines.push(
    `densityplan ${r.tool.version} · cluster ${r.cluster.name} (${r.cluster.source}) · ${r.cluster.nodeCount} nodes, ${r.cluster.podCount} pods → ${o.classes} node classes${r.shard ? ` (shard ${r.shard.index}/${r.shard.count})` : ''}`,
  )
  lines.push(
    `SLO p99 pod start ≤ ${formatMs(r.settings.sloMs)} · seed ${r.seed} · ${r.replications} replications · models ${r.models.legacy.id} / ${r.models.otn.id}`,
  )
  lines.push('')
  const rows = [['pool', 'nodes', 'p99 today legacy → OTN', 'max pods/node legacy → OTN (limit)', 'OTN pods after upgrade', 'verdict']]
  for (const p of r.pools) {
    const n = p.recommendation.numbers
    const d = (path: 'legacy' | 'otn'): string => formatDensity(recommendedDensity(n, path), {binding: true})
    rows.push([
      p.name,
      String(p.nodeCount),
      `${formatMs(n.p99TodayLegacyMs)} → ${formatMs(n.p99TodayOtnMs)}`,
      `${d('legacy')} → ${d('otn')} (${n.podsPerNodeGain >= 0 ? '+' : ''}${n.podsPerNodeGain})`,
      `${Math.round(n.otnPodFraction * 100)}%`,
      p.recommendation.verdict,
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  for (const row of rows)
    lines.push(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
  lines.push('')
  lines.push(`Overall: ${r.overall.verdict.toUpperCase()} — ${r.overall.headline}`)
  if (r.overall.changesIf.length) lines.push('  the verdict changes if:', ...r.overall.changesIf.map((c) => `    ${c}`))
  // A pool whose non-kernel start time alone misses the SLO gets its reason on screen: "none meets
  // the SLO" in the table is true but not an answer a user can act on.
  for (const p of r.pools) {
    const why = p.recommendation.reasons.find((x) => x.startsWith('non-kernel start time'))
    if (why) lines.push(`  ${p.name}: ${why}`)
  }
  for (const p of r.pools) {
    const blockers = p.readiness.blockers.map((b) => b.kind)
    if (blockers.length) lines.push(`  ${p.name}: blocked today by ${blockers.join(', ')}`)
  }
  const defaults = r.assumptions.filter((a) => a.id.startsWith('overhead/') && a.source === 'default').length
  if (defaults) lines.push(`  note: ${defaults} class(es) use the documented default non-mount overhead (no observed pod starts)`)
  const unknown = r.classes.filter((c) => c.capacity.bounds.some((b) => b.status === 'unknown'))
  if (unknown.length) {
    const limits = [...new Set(unknown.flatMap((c) => c.capacity.bounds.filter((b) => b.status === 'unknown').map((b) => b.limit)))].join(', ')
    lines.push(`  note: max pods/node leaves out limits it cannot know (${limits}) in ${unknown.length} class(es); see "Max pods per node: which limit binds"`)
  }
  if (r.thresholds.violations.length) {
    lines.push('')
    lines.push(`Threshold violations (${r.thresholds.violations.length}):`)
    for (const v of r.thresholds.violations) lines.push(`  ✗ ${v.message} [--fail-on ${v.rule}]`)
  }
  lines.push('')
  for (const f of o.files) lines.push(`Wrote ${f.path}`)
  // Names come from the cluster or a hand-edited snapshot: never let one carry terminal control sequences.
  return [...lines.join('\n')].map((ch) => (isControl(ch) ? '?' : ch)).join('')
}

function isControl(ch: string): boolean {
  const c = ch.codePointAt(0)!
  return c !== 10 && (c < 32 || (c >= 127 && c < 160))
}
