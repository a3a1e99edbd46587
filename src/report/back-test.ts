import type {AnalysisResult, BackTest, NodeClassResult} from '../domain/analysis.js'
import {PATH_SHORT} from './charts/common.js'
import {formatInt, formatMs} from '../lib/format.js'
import {badge, el, join, list, table, type Html} from './html-kit.js'

/**
 * The back-test section (HTML) and its Markdown twin: per class, what its nodes observe today next
 * to the simulation of today with the fitted non-kernel time, the error and the tolerance; then the
 * statistics notes a reader needs to trust the rest (precision cap, CPU contention, OTN slower).
 */

const SOURCE_LABEL: Record<BackTest['source'], string> = {'kubelet-sli': 'kubelet SLI histogram', 'pod-timestamps': 'pod timestamps'}

/** `+4.2%` / `−12%`. */
export function formatError(x: number): string {
  const pct = Math.abs(x * 100)
  if (pct < 0.05) return '0.0%'
  const text = pct < 10 ? pct.toFixed(1) : Math.round(pct).toString()
  return `${x < 0 ? '−' : '+'}${text}%`
}

function triple(q: {p50Ms: number; p90Ms: number; p99Ms: number}): string {
  return `${formatMs(q.p50Ms)} / ${formatMs(q.p90Ms)} / ${formatMs(q.p99Ms)}`
}

function errors(b: BackTest): string {
  return `${formatError(b.errorPct.p50)} / ${formatError(b.errorPct.p90)} / ${formatError(b.errorPct.p99)}`
}

function sourceText(b: BackTest): string {
  return `${SOURCE_LABEL[b.source]} of ${b.scope === 'class' ? 'the class' : 'its pool'}, ${formatInt(b.samples)} starts${b.resolutionMs >= 1000 ? ', whole seconds' : ''}`
}

function fitText(c: NodeClassResult, b: BackTest): string {
  return `${formatMs(b.fit.startP50Ms)} / ${formatMs(b.fit.startP90Ms)} → ${formatMs(c.overhead.p50Ms)} / ${formatMs(c.overhead.p90Ms)} (${b.fit.iterations} runs${b.fit.converged ? '' : ', not converged'})`
}

/** The tolerance sentence, from the first back-tested class (every class uses the same). */
export function toleranceText(result: AnalysisResult): string {
  const t = result.classes.find((c) => c.backTest)?.backTest?.tolerance
  if (!t) return 'No class has enough observed pod starts (20) for a back-test.'
  return `Tolerance: simulated p50 and p90 within ${Math.round(t.p50 * 100)}% of the observed, p99 within ${Math.round(t.p99 * 100)}% (or ${formatMs(t.floorMs)}, whichever is larger). A class outside it is marked, and its pool's verdict is at best "uncertain".`
}

export function backTestSection(result: AnalysisResult): Html {
  const tested = result.classes.filter((c) => c.backTest)
  const untested = result.classes.filter((c) => !c.backTest)
  const rows = tested.map((c) => {
    const b = c.backTest!
    return [
      el('span', {class: 'mono'}, c.id),
      sourceText(b),
      PATH_SHORT[b.todayPath],
      triple(b.observed),
      triple(b.simulated),
      errors(b),
      b.withinTolerance ? badge('within', 'ok') : badge(`misses ${b.misses.join(', ')}`, 'bad'),
      fitText(c, b),
    ]
  })
  return join([
    el(
      'p',
      {},
      "The simulation of today (each class's kernel path, density, mounts and start burst today) with the fitted non-kernel start time, next to what the class's nodes observe. The non-kernel time is fitted so that the two agree (it is not the observed starts themselves, which already contain today's kernel time); the check uses replications the fit did not see. Both sides are read the way the data was recorded: histogram buckets, or whole-second timestamps.",
    ),
    tested.length
      ? table(
          [
            {title: 'Class'},
            {title: 'Observed data'},
            {title: 'Path today'},
            {title: 'Observed p50 / p90 / p99', num: true},
            {title: 'Simulated today', num: true},
            {title: 'Error', num: true},
            {title: 'Back-test'},
            {title: 'Non-kernel p50 / p90: start → fitted'},
          ],
          rows,
          toleranceText(result),
        )
      : el('p', {}, toleranceText(result)),
    list([
      ...[...new Set(tested.map((c) => c.backTest!.source))].map(
        (s) => `${SOURCE_LABEL[s]}: ${tested.find((c) => c.backTest!.source === s)!.backTest!.includes}.`,
      ),
      ...(untested.length ? [untestedText(untested)] : []),
      ...statisticsNotes(result),
    ]),
  ])
}

function untestedText(untested: readonly NodeClassResult[]): string {
  return `Not back-tested (fewer than 20 observed starts in the class and its pool): ${untested.map((c) => c.id).join(', ')}; they use the documented default non-kernel time.`
}

/** Precision cap, contention choice and OTN-slower explanations, as sentences. */
export function statisticsNotes(result: AnalysisResult): string[] {
  const out: string[] = []
  const capped = result.classes.filter((c) => c.precision.atCap.length > 0)
  const first = result.classes[0]?.precision
  if (first) {
    out.push(
      `Replications per point grow until the p99's 95% CI half-width is at most ${Math.round(first.targetHalfWidth * 100)}% of the p99, up to ${formatInt(first.maxReplications)} replications.${capped.length ? ` The cap was hit at: ${capped.map((c) => `${c.id} (${c.precision.atCap.map((a) => `${PATH_SHORT[a.path]} at ${a.podsPerNode} pods/node: ±${a.halfWidthPct}%`).join(', ')})`).join('; ')}.` : ' Every point reached it.'}`,
    )
  }
  for (const c of result.classes) if (c.otnVsLegacy.note) out.push(`${c.id}: ${c.otnVsLegacy.note}`)
  return out
}

/** The same as Markdown lines; `md` escapes cluster-derived text. */
export function backTestMarkdown(result: AnalysisResult, md: (text: string) => string): string[] {
  const tested = result.classes.filter((c) => c.backTest)
  const lines = ['## Back-test: simulated today vs observed', '', md(toleranceText(result)), '']
  if (tested.length) {
    lines.push(
      '| Class | Observed data | Path today | Observed p50 / p90 / p99 | Simulated today | Error | Back-test | Non-kernel p50 / p90: start → fitted |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...tested.map((c) => {
        const b = c.backTest!
        return `| ${md(c.id)} | ${md(sourceText(b))} | ${PATH_SHORT[b.todayPath]} | ${triple(b.observed)} | ${triple(b.simulated)} | ${errors(b)} | ${b.withinTolerance ? 'within' : `**misses ${b.misses.join(', ')}**`} | ${fitText(c, b)} |`
      }),
      '',
    )
  }
  for (const s of [...new Set(tested.map((c) => c.backTest!.source))])
    lines.push(`- ${SOURCE_LABEL[s]}: ${md(tested.find((c) => c.backTest!.source === s)!.backTest!.includes)}.`)
  const untested = result.classes.filter((c) => !c.backTest)
  if (untested.length) lines.push(`- ${md(untestedText(untested))}`)
  for (const n of statisticsNotes(result)) lines.push(`- ${md(n)}`)
  lines.push('')
  return lines
}
