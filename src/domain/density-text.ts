import type {BindingLimit, DensityLimit, Recommendation} from './analysis.js'

/**
 * The one wording of max pods/node used by the terminal summary, Markdown, HTML and the verdict
 * text, so "no density meets the SLO" reads the same everywhere.
 */
export const NO_DENSITY_TEXT = 'none meets the SLO'

/** How a binding limit reads in the report. */
export const BINDING_LABEL: Record<BindingLimit, string> = {
  'kernel-latency': 'kernel latency',
  'max-pods': 'maxPods',
  cpu: 'CPU requests',
  memory: 'memory requests',
  'pod-ips': 'pod IPs',
}

/** `none meets the SLO`, `≥ 313`, `176`; with `binding`, `176 (CPU requests)`. */
export function formatDensity(d: Pick<DensityLimit, 'maxPodsPerNode' | 'binding' | 'lowerBound'>, opts: {binding?: boolean} = {}): string {
  if (d.maxPodsPerNode === 0 && d.binding === 'kernel-latency') return NO_DENSITY_TEXT
  const n = `${d.lowerBound ? '≥ ' : ''}${d.maxPodsPerNode}`
  return opts.binding ? `${n} (${BINDING_LABEL[d.binding]})` : n
}

/** The max pods/node of a recommendation on one path, as formatDensity takes it. */
export function recommendedDensity(n: Recommendation['numbers'], path: 'legacy' | 'otn'): Pick<DensityLimit, 'maxPodsPerNode' | 'binding' | 'lowerBound'> {
  return {
    maxPodsPerNode: path === 'legacy' ? n.maxPodsPerNodeLegacy : n.maxPodsPerNodeOtn,
    binding: n.bindingLimit[path],
    lowerBound: n.maxPodsLowerBound[path],
  }
}
