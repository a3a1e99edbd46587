import type {AnalysisResult} from '../domain/analysis.js'
import {classModelRows, poolModelNotes} from './class-models.js'
import {PATH_LABEL} from './charts/common.js'
import {backTestMarkdown} from './back-test.js'
import {DEFAULT_NULLFS_NOTE} from './html-notes.js'
import {formatInt, formatMs, formatMsInterval, formatPercent, formatSigned} from '../lib/format.js'
import {VERDICT_TEXT} from './verdict.js'
import {BINDING_LABEL, formatDensity, recommendedDensity} from '../domain/density-text.js'

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
    ...(o.changesIf.length ? ['The verdict changes if:', '', ...o.changesIf.map((c) => `- ${md(c)}`), ''] : []),
    ...o.reasons.map((r) => `- ${md(r)}`),
    '',
    `p99 pod start today: ${formatMs(n.p99TodayLegacyMs)} (legacy) → ${formatMs(n.p99TodayOtnMs)} (OTN). Max pods/node under the SLO and within capacity: ${formatDensity(recommendedDensity(n, 'legacy'), {binding: true})} → ${formatDensity(recommendedDensity(n, 'otn'), {binding: true})} (${formatSigned(n.podsPerNodeGain)}). Pods on the OTN path after the upgrade: ${formatPercent(n.otnPodFraction)}.`,
    '',
  ]
  if (result.thresholds.violations.length) {
    lines.push('## Threshold violations', '', ...result.thresholds.violations.map((v) => `- \`${md(v.rule)}\` ${md(v.subject)}: ${md(v.message)}`), '')
  }
  lines.push(
    '## Pools',
    '',
    ...mdTable(
      [
        'Pool',
        'Verdict',
        'Nodes',
        'Pods/node today',
        'p99 today legacy → OTN',
        'Max pods/node legacy → OTN (limit)',
        'Gain',
        'Nodes on OTN today',
        'Pods on OTN after upgrade',
      ],
      result.pools.map((p) => [
        md(p.name),
        VERDICT_TEXT[p.recommendation.verdict].label,
        formatInt(p.nodeCount),
        formatInt(p.podsPerNodeToday),
        `${formatMs(p.recommendation.numbers.p99TodayLegacyMs)} → ${formatMs(p.recommendation.numbers.p99TodayOtnMs)}`,
        `${formatDensity(recommendedDensity(p.recommendation.numbers, 'legacy'), {binding: true})} → ${formatDensity(recommendedDensity(p.recommendation.numbers, 'otn'), {binding: true})}`,
        formatSigned(p.recommendation.numbers.podsPerNodeGain),
        `${formatInt(p.readiness.otnCapableNodes)} / ${formatInt(p.nodeCount)}`,
        formatPercent(p.readiness.otnEligiblePodFraction),
      ]),
    ),
    '',
  )
  lines.push(
    '## Sensitivity: what the verdict depends on',
    '',
    'Each row re-runs the pool with one input changed (burst and OTN-cost rows: same seeds and replications as the analysis, point estimates; SLO rows re-read the same curves).',
    '',
  )
  for (const p of result.pools) {
    lines.push(
      `### ${md(p.name)}`,
      '',
      ...mdTable(
        ['Variation', 'Verdict', 'p99 today legacy → OTN', 'Max pods/node legacy → OTN', 'Changes the verdict'],
        [
          [
            `as analysed (${md(p.recommendation.assumes.replace(/^assumes /, ''))})`,
            VERDICT_TEXT[p.recommendation.verdict].label,
            `${formatMs(p.recommendation.numbers.p99TodayLegacyMs)} → ${formatMs(p.recommendation.numbers.p99TodayOtnMs)}`,
            `${formatDensity(recommendedDensity(p.recommendation.numbers, 'legacy'))} → ${formatDensity(recommendedDensity(p.recommendation.numbers, 'otn'))}`,
            '',
          ],
          ...p.sensitivity.map((v) => [
            md(v.label),
            VERDICT_TEXT[v.verdict].label,
            `${formatMs(v.p99TodayMs.legacy)} → ${formatMs(v.p99TodayMs.otn)}`,
            `${formatDensity(v.density.legacy)} → ${formatDensity(v.density.otn)}`,
            v.flipsVerdict ? '**yes**' : '',
          ]),
        ],
      ),
      '',
    )
    const modelNotes = poolModelNotes(result, p.classIds)
    if (modelNotes.length) lines.push('Kernel model (assumption, not varied above):', '', ...modelNotes.map((n) => `- ${md(n)}`), '')
  }
  lines.push(
    '## Max pods per node: which limit binds',
    '',
    ...mdTable(
      ['Class', 'Kernel latency legacy → OTN', 'maxPods', 'CPU', 'Memory', 'Pod IPs', 'Max pods/node legacy → OTN (limit)'],
      result.classes.map((c) => {
        const b = (limit: string): string => {
          const x = c.capacity.bounds.find((y) => y.limit === limit)
          return !x ? 'unknown' : x.status === 'limit' ? String(x.pods) : md(x.status)
        }
        const k = (path: 'legacy' | 'otn'): string =>
          formatDensity({maxPodsPerNode: c.density[path].kernelBound, binding: 'kernel-latency', lowerBound: c.density[path].kernelLowerBound})
        return [
          md(c.id),
          `${k('legacy')} → ${k('otn')}`,
          b('max-pods'),
          b('cpu'),
          b('memory'),
          b('pod-ips'),
          `${formatDensity(c.density.legacy)} → ${formatDensity(c.density.otn)} (${BINDING_LABEL[c.density.legacy.binding]} → ${BINDING_LABEL[c.density.otn.binding]})`,
        ]
      }),
    ),
    '',
  )
  lines.push(
    '## Node classes',
    '',
    ...mdTable(
      ['Class', 'Pool', 'Nodes', 'Kernel', 'OCI runtime', 'Path', 'p50 today', 'p99 today', 'p99 95% CI', 'Max pods/node'],
      result.classes.flatMap((c) =>
        (['legacy', 'otn'] as const).map((path) => {
          const r = c.results[path]
          return [
            md(c.id),
            md(c.pool),
            formatInt(c.nodeCount),
            md(c.kernel),
            md(c.ociRuntime),
            PATH_LABEL[path],
            formatMs(r.today.podStart.p50Ms),
            formatMs(r.today.podStart.p99Ms),
            formatMsInterval(r.today.podStart.ci95.p99Ms),
            formatDensity(c.density[path], {binding: true}),
          ]
        }),
      ),
    ),
    '',
  )
  lines.push(...backTestMarkdown(result, md))
  const blockers = result.pools.flatMap((p) =>
    p.readiness.blockers.map((b) => [md(p.name), b.kind, formatInt(b.affectedNodes), formatInt(b.affectedPods), md(b.detail), md(b.fix)]),
  )
  lines.push(
    '## Readiness for the OTN path',
    '',
    ...(blockers.length ? mdTable(['Pool', 'Blocker', 'Nodes', 'Pods', 'Detail', 'Fix'], blockers) : ['Nothing blocks the OTN path.']),
    '',
  )
  lines.push('## Assumptions and provenance', '', ...result.assumptions.map((a) => `- ${md(a.text)} (${a.source})`))
  for (const path of ['legacy', 'otn'] as const) {
    const m = result.models[path]
    lines.push(
      `- ${PATH_LABEL[path]} model \`${md(m.id)}\` from \`${md(m.file)}\`, sha256 \`${md(m.sha256)}\`, measured on kernel ${md(m.measuredOnKernel)} (${md(m.cpu)}, ${md(m.date)})`,
    )
  }
  lines.push(`- Quantiles: ${md(result.settings.quantileMethod)}; CIs: ${md(result.settings.ciMethod)}; ${formatInt(result.replications)} replications`, '')
  const perClass = classModelRows(result)
  if (perClass.length) {
    lines.push(
      '### Kernel model per node class',
      '',
      ...mdTable(
        ['Class', 'Path', 'Model', 'Hardware match', 'p99 today at spread low – high'],
        perClass.map((r) => [
          md(r.classId),
          PATH_LABEL[r.path],
          `\`${md(r.model)}\``,
          `${r.otherHardware ? '**assumption**: ' : ''}${md(r.match)}`,
          md(r.spread),
        ]),
      ),
      '',
    )
  }
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
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/^([#+=-])/, '\\$1')
}
