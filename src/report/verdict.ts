import type {SloSolution, Verdict} from '../domain/analysis.js'
import {NO_DENSITY_TEXT} from '../domain/density-text.js'

/** How each verdict is shown: words and the CSS tone (ok / warn / bad). */
export const VERDICT_TEXT: Record<Verdict, {label: string; tone: 'ok' | 'warn' | 'bad'}> = {
  upgrade: {label: 'Upgrade', tone: 'ok'},
  'upgrade-with-caveats': {label: 'Upgrade, with caveats', tone: 'warn'},
  'no-gain': {label: 'No gain', tone: 'bad'},
}

/** The SLO solver's answer (kernel-latency bound only) in words: `46`, `≥ 110`, `none meets the SLO`. */
export function formatMaxPods(slo: SloSolution): string {
  if (slo.status === 'never') return NO_DENSITY_TEXT
  if (slo.status === 'beyond-sweep') return `≥ ${slo.maxPodsPerNode}`
  return String(slo.maxPodsPerNode)
}
