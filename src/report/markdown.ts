import type {AnalysisResult} from '../domain/analysis.js'
import {PATH_LABEL} from './charts/common.js'
import {backTestMarkdown} from './back-test.js'
import {DEFAULT_NULLFS_NOTE} from './html-notes.js'
import {formatInt, formatMs, formatMsInterval, formatPercent, formatSigned} from '../lib/format.js'
import {VERDICT_TEXT, formatMaxPods} from './verdict.js'

/**
 * The Markdown report, for pull requests and chat: the verdicts and key tables, no charts.
 * Cluster strings are escaped so a name can't inject Markdown or HTML (GitHub renders both).
 */
export function renderMarkdown(result: AnalysisResult): string {
  const o = result.overall
  const n = o.numbers
  const lines: string[] = [
    `# Pod start density plan: ${md(result.cluster.name)}`,
    '',
    `${result.cluster.source} · ${formatInt(result.cluster.nodeCount)} nodes · ${formatInt(result.cluster.podCount)} pods · collected ${md(result.generatedAt)} · SLO p99 ≤ ${formatMs(result.settings.sloMs)} · seed ${result.seed} · densityplan ${md(result.tool.version)}`,
    '',
    `**${VERDICT_TEXT[o.verdict].label}: ${md(o.headline)}**`,
    '',
    ...o.reasons.map((r) => `- ${md(r)}`),
    '',
    `p99 pod start today: ${formatMs(n.p99TodayLegacyMs)} (legacy) → ${formatMs(n.p99TodayOtnMs)} (OTN). Max pods/node under the SLO: ${n.maxPodsLowerBound.legacy ? '≥ ' : ''}${formatInt(n.maxPodsPerNodeLegacy)} → ${n.maxPodsLowerBound.otn ? '≥ ' : ''}${formatInt(n.maxPodsPerNodeOtn)} (${formatSigned(n.podsPerNodeGain)}). Pods on the OTN path after the upgrade: ${formatPercent(n.otnPodFraction)}.`,
    '',
  ]
  if (result.thresholds.violations.length) {
    lines.push('## Threshold violations', '', ...result.thresholds.violations.map((v) => `- \`${md(v.rule)}\` ${md(v.subject)}: ${md(v.message)}`), '')
  }
  lines.push('## Pools', '', ...mdTable(
    ['Pool', 'Verdict', 'Nodes', 'Pods/node today', 'p99 today legacy → OTN', 'Max pods/node legacy → OTN', 'Gain', 'OTN-capable nodes'],
    result.pools.map((p) => [
      md(p.name), VERDICT_TEXT[p.recommendation.verdict].label, formatInt(p.nodeCount), formatInt(p.podsPerNodeToday),
      `${formatMs(p.recommendation.numbers.p99TodayLegacyMs)} → ${formatMs(p.recommendation.numbers.p99TodayOtnMs)}`,
      `${formatMaxPods(p.slo.legacy)} → ${formatMaxPods(p.slo.otn)}`, formatSigned(p.recommendation.numbers.podsPerNodeGain),
      `${formatInt(p.readiness.otnCapableNodes)} / ${formatInt(p.nodeCount)}`,
    ]),
  ), '')
  lines.push('## Node classes', '', ...mdTable(
    ['Class', 'Pool', 'Nodes', 'Kernel', 'OCI runtime', 'Path', 'p50 today', 'p99 today', 'p99 95% CI', 'Max pods/node'],
    result.classes.flatMap((c) => (['legacy', 'otn'] as const).map((path) => {
      const r = c.results[path]
      return [md(c.id), md(c.pool), formatInt(c.nodeCount), md(c.kernel), md(c.ociRuntime), PATH_LABEL[path], formatMs(r.today.podStart.p50Ms), formatMs(r.today.podStart.p99Ms), formatMsInterval(r.today.podStart.ci95.p99Ms), formatMaxPods(r.slo)]
    })),
  ), '')
  lines.push(...backTestMarkdown(result, md))
  const blockers = result.pools.flatMap((p) => p.readiness.blockers.map((b) => [md(p.name), b.kind, formatInt(b.affectedNodes), formatInt(b.affectedPods), md(b.detail), md(b.fix)]))
  lines.push('## Readiness for the OTN path', '', ...(blockers.length ? mdTable(['Pool', 'Blocker', 'Nodes', 'Pods', 'Detail', 'Fix'], blockers) : ['Nothing blocks the OTN path.']), '')
  lines.push('## Assumptions and provenance', '', ...result.assumptions.map((a) => `- ${md(a.text)} (${a.source})`))
  for (const path of ['legacy', 'otn'] as const) {
    const m = result.models[path]
    lines.push(`- ${PATH_LABEL[path]} model \`${md(m.id)}\` from \`${md(m.file)}\`, sha256 \`${md(m.sha256)}\`, measured on kernel ${md(m.measuredOnKernel)} (${md(m.cpu)}, ${md(m.date)})`)
  }
  lines.push(`- Quantiles: ${md(result.settings.quantileMethod)}; CIs: ${md(result.settings.ciMethod)}; ${formatInt(result.replications)} replications`, '')
  lines.push('## nullfs and node images', '', md(result.nullfsNote.trim() || DEFAULT_NULLFS_NOTE), '')
  return lines.join('\n')
}

function mdTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)]
}

/**
 * Text → Markdown that shows exactly that text, on one line: HTML-escaped (GitHub renders inline
 * HTML), emphasis/code/link/table punctuation backslashed anywhere, and a leading `#`, `+`, `-`
 * or `=` backslashed (they only mean something at the start of a block). Parentheses need no
 * escape once `[` is escaped, so ordinary text stays readable in the raw file.
 */
export function md(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/^([#+=-])/, '\\$1')
}
