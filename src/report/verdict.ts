import type {Verdict} from '../domain/analysis.js'

/** How each verdict is shown: words and the CSS tone (ok / warn / bad). */
export const VERDICT_TEXT: Record<Verdict, {label: string; tone: 'ok' | 'warn' | 'bad'}> = {
  upgrade: {label: 'Upgrade', tone: 'ok'},
  'upgrade-with-caveats': {label: 'Upgrade, with caveats', tone: 'warn'},
  uncertain: {label: 'Uncertain', tone: 'warn'},
  'no-gain': {label: 'No gain', tone: 'bad'},
}
