import type {AnalysisResult, PoolResult, Recommendation} from '../domain/analysis.js'
import {formatInt, formatMs, formatPercent, formatSigned} from '../lib/format.js'
import {badge, el, join, list, raw, table, type Html} from './html-kit.js'
import {VERDICT_TEXT} from './verdict.js'
import {BINDING_LABEL, formatDensity, recommendedDensity} from '../domain/density-text.js'

const SOURCE_TEXT = {live: 'live cluster', snapshot: 'snapshot', demo: 'built-in demo cluster'}

/** Title, one-line provenance, and the one-screen answer: overall verdict, key numbers, per-pool verdicts. */
export function summarySection(result: AnalysisResult): Html {
  const c = result.cluster
  const meta = [
    `${SOURCE_TEXT[c.source]}: ${formatInt(c.nodeCount)} nodes, ${formatInt(c.podCount)} pods`,
    `collected ${result.generatedAt}`,
    `SLO p99 ≤ ${formatMs(result.settings.sloMs)}`,
    `seed ${result.seed}, ${result.replications} replications`,
    `densityplan ${result.tool.version}`,
    ...(result.shard ? [`shard ${result.shard.index + 1} of ${result.shard.count} (partial)`] : []),
  ]
  return join([
    el(
      'header',
      {class: 'report-head'},
      el('h1', {}, 'Pod start density plan: ', el('span', {class: 'mono'}, c.name)),
      el('div', {class: 'meta'}, ...meta.map((m) => el('span', {}, m))),
    ),
    overallVerdict(result.overall, result),
    violations(result),
    el('h2', {id: 'pools-summary'}, 'Recommendation per pool'),
    poolVerdictTable(result.pools),
  ])
}

function overallVerdict(rec: Recommendation, result: AnalysisResult): Html {
  const v = VERDICT_TEXT[rec.verdict]
  const n = rec.numbers
  return el(
    'section',
    {class: `verdict ${v.tone}`, 'aria-label': 'Overall recommendation'},
    el('h2', {}, badge(v.label, v.tone), ' ', rec.headline),
    rec.changesIf.length ? el('div', {class: 'changes-if'}, el('strong', {}, 'The verdict changes if:'), list(rec.changesIf)) : raw(''),
    rec.reasons.length ? list(rec.reasons) : raw(''),
    el(
      'div',
      {class: 'kpis'},
      kpi(
        'p99 pod start today',
        el('span', {}, el('span', {class: 'legacy'}, formatMs(n.p99TodayLegacyMs)), ' → ', el('span', {class: 'otn'}, formatMs(n.p99TodayOtnMs))),
        'legacy → OTN',
      ),
      kpi(
        'Max pods/node under SLO',
        el('span', {}, el('span', {class: 'legacy'}, density(n, 'legacy')), ' → ', el('span', {class: 'otn'}, density(n, 'otn'))),
        `p99 ≤ ${formatMs(result.settings.sloMs)} and within capacity; limit: ${BINDING_LABEL[n.bindingLimit.legacy]} → ${BINDING_LABEL[n.bindingLimit.otn]}${n.maxPodsLowerBound.legacy || n.maxPodsLowerBound.otn ? ' (≥: the SLO held across the whole sweep)' : ''}`,
      ),
      kpi('Density gain', formatSigned(n.podsPerNodeGain), 'pods per node with OTN'),
      kpi('Pods on the OTN path', formatPercent(n.otnPodFraction), 'after the upgrade (rest fall back)'),
    ),
  )
}

/** Max pods/node of a recommendation on one path, in the report's one wording. */
function density(n: Recommendation['numbers'], path: 'legacy' | 'otn'): string {
  return formatDensity(recommendedDensity(n, path))
}

function kpi(label: string, value: string | Html, sub: string): Html {
  return el('div', {class: 'kpi'}, el('div', {class: 'label'}, label), el('div', {class: 'value'}, value), el('div', {class: 'sub'}, sub))
}

function violations(result: AnalysisResult): Html {
  const found = result.thresholds.violations
  if (found.length === 0) {
    if (result.thresholds.rules.length === 0) return raw('')
    return el('p', {class: 'note'}, `All ${result.thresholds.rules.length} --fail-on threshold(s) hold.`)
  }
  return el(
    'section',
    {class: 'verdict bad', 'aria-label': 'Threshold violations'},
    el('h2', {}, `${found.length} threshold violation${found.length === 1 ? '' : 's'}`),
    list(found.map((v) => join([el('code', {}, v.rule), ' ', v.message]))),
  )
}

function poolVerdictTable(pools: PoolResult[]): Html {
  return table(
    [
      {title: 'Pool'},
      {title: 'Verdict'},
      {title: 'Headline'},
      {title: 'p99 today', num: true},
      {title: 'Max pods/node', num: true},
      {title: 'Gain', num: true},
      {title: 'OTN pods', num: true},
    ],
    pools.map((p) => {
      const v = VERDICT_TEXT[p.recommendation.verdict]
      const n = p.recommendation.numbers
      return [
        el('strong', {}, p.name),
        badge(v.label, v.tone),
        p.recommendation.headline,
        `${formatMs(n.p99TodayLegacyMs)} → ${formatMs(n.p99TodayOtnMs)}`,
        join([
          el('div', {}, `${formatDensity(recommendedDensity(n, 'legacy'))} → ${formatDensity(recommendedDensity(n, 'otn'))}`),
          el('div', {class: 'meta'}, `${BINDING_LABEL[n.bindingLimit.legacy]} → ${BINDING_LABEL[n.bindingLimit.otn]}`),
        ]),
        formatSigned(n.podsPerNodeGain),
        formatPercent(n.otnPodFraction),
      ]
    }),
    "p99 today and max pods/node: legacy → OTN, with the limit that binds under the value. OTN pods: share of the pool's pods on the OTN path after the upgrade.",
  )
}
