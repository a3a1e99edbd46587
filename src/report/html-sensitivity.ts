import type {AnalysisResult, PoolResult} from '../domain/analysis.js'
import {formatDensity, recommendedDensity} from '../domain/density-text.js'
import {formatMs} from '../lib/format.js'
import {poolModelNotes} from './class-models.js'
import {badge, el, join, list, table, type Html} from './html-kit.js'
import {VERDICT_TEXT} from './verdict.js'

const GROUP_TEXT = {burst: 'Burst pattern', slo: 'SLO', 'otn-cost': 'OTN cost (measured range)', contention: 'CPU contention'} as const

/**
 * The sensitivity panel: per pool, the verdict and max pods/node under each variation of the
 * analysis inputs (src/analyze/sensitivity.ts), with the base row first and the rows that flip
 * the verdict marked.
 */
export function sensitivitySection(result: AnalysisResult): Html {
  return join([
    el(
      'p',
      {class: 'note'},
      'Each row re-runs the pool with one input changed. Burst variations and the OTN cost range are re-simulated with the same seeds and replications as the analysis (point estimates); SLO variations re-read the same simulated curves. Rows marked in the last column flip the verdict; the headline lists them.',
    ),
    ...result.pools.map((p) => poolPanel(p, result.settings.sloMs, poolModelNotes(result, p.classIds))),
  ])
}

function poolPanel(p: PoolResult, sloMs: number, modelNotes: string[]): Html {
  const n = p.recommendation.numbers
  const base = [
    el('strong', {}, 'as analysed'),
    `${p.recommendation.assumes.replace(/^assumes /, '')}; SLO ${formatMs(sloMs)}`,
    badge(VERDICT_TEXT[p.recommendation.verdict].label, VERDICT_TEXT[p.recommendation.verdict].tone),
    `${formatMs(n.p99TodayLegacyMs)} → ${formatMs(n.p99TodayOtnMs)}`,
    `${formatDensity(recommendedDensity(n, 'legacy'), {binding: true})} → ${formatDensity(recommendedDensity(n, 'otn'), {binding: true})}`,
    '',
  ]
  const rows = p.sensitivity.map((v) => [
    GROUP_TEXT[v.group],
    v.label,
    badge(VERDICT_TEXT[v.verdict].label, VERDICT_TEXT[v.verdict].tone),
    `${formatMs(v.p99TodayMs.legacy)} → ${formatMs(v.p99TodayMs.otn)}`,
    `${formatDensity(v.density.legacy, {binding: true})} → ${formatDensity(v.density.otn, {binding: true})}`,
    v.flipsVerdict ? badge('yes', 'warn') : '',
  ])
  return join([
    el('h3', {}, p.name),
    table(
      [
        {title: 'Input'},
        {title: 'Variation'},
        {title: 'Verdict'},
        {title: 'p99 today legacy → OTN', num: true},
        {title: 'Max pods/node legacy → OTN (limit)', num: true},
        {title: 'Changes the verdict'},
      ],
      [base, ...rows],
    ),
    p.recommendation.changesIf.length
      ? el('div', {class: 'changes-if'}, el('strong', {}, 'The verdict changes if:'), list(p.recommendation.changesIf))
      : el('p', {class: 'meta'}, 'No variation in the panel changes this verdict.'),
    ...(modelNotes.length ? [el('div', {class: 'meta'}, el('strong', {}, 'Kernel model (assumption, not varied above):'), list(modelNotes))] : []),
  ])
}

/** Capacity-aware density per class: each limit, and which one binds on each path. */
export function capacityTable(result: AnalysisResult): Html {
  const bound = (b: AnalysisResult['classes'][number]['capacity']['bounds'][number] | undefined): string =>
    !b ? 'unknown' : b.status === 'limit' ? `${b.pods} — ${b.detail}` : b.detail
  return table(
    [
      {title: 'Class'},
      {title: 'Kernel latency legacy → OTN', num: true},
      {title: 'maxPods'},
      {title: 'CPU'},
      {title: 'Memory'},
      {title: 'Pod IPs'},
      {title: 'Max pods/node legacy → OTN (limit)', num: true},
    ],
    result.classes.map((c) => {
      const find = (limit: string): AnalysisResult['classes'][number]['capacity']['bounds'][number] | undefined =>
        c.capacity.bounds.find((b) => b.limit === limit)
      const kernel = (path: 'legacy' | 'otn'): string =>
        formatDensity({maxPodsPerNode: c.density[path].kernelBound, binding: 'kernel-latency', lowerBound: c.density[path].kernelLowerBound})
      return [
        el('span', {class: 'mono'}, c.id),
        `${kernel('legacy')} → ${kernel('otn')}`,
        bound(find('max-pods')),
        bound(find('cpu')),
        bound(find('memory')),
        bound(find('pod-ips')),
        el('strong', {}, `${formatDensity(c.density.legacy, {binding: true})} → ${formatDensity(c.density.otn, {binding: true})}`),
      ]
    }),
    'Max pods/node is the smallest of the kernel-latency bound (highest density whose simulated p99 meets the SLO) and the capacity limits: kubelet maxPods, allocatable CPU and memory ÷ the mean pod request, and the pod IPs of the node\'s podCIDR. "≥" marks a kernel bound that held over the whole sweep; it never shows when a capacity limit is lower.',
  )
}
