import {AnalysisResultSchema, type AnalysisResult, type Assumption, type ModelProvenance, type NodeClassResult, type PoolResult} from '../domain/analysis.js'
import type {AnalysisSettings} from './plan.js'
import {NULLFS_NOTE, otnEligiblePodFraction, poolBlockers} from './readiness.js'
import {burstAssumption, poolSensitivity, withSensitivity} from './pool-sensitivity.js'
import {poolSlo, recommendOverall, recommendPool} from './recommend.js'
import {kernelHasOtn} from '../profile/runtime-path.js'
import {evaluateRules, type ParsedRule} from './thresholds.js'

export interface AssembleInput {
  toolVersion: string
  cluster: AnalysisResult['cluster']
  generatedAt: string
  settings: AnalysisSettings
  models: {legacy: ModelProvenance; otn: ModelProvenance}
  assumptions: Assumption[]
  classes: NodeClassResult[]
  rules: ParsedRule[]
  shard?: {index: number; count: number}
}

/**
 * Builds the full result from per-class results. Everything above the classes (pools,
 * readiness, verdicts, violations) is derived here from `classes` alone, which is what lets
 * shard results merge without re-simulating (merge.ts calls this again on the union).
 */
export function assembleResult(input: AssembleInput): AnalysisResult {
  const {classes, pools, overall, violations} = deriveSummaries(input.classes, input.settings.sloMs, input.rules)
  const s = input.settings
  return canonical({
    apiVersion: 'densityplan.dev/v1alpha1',
    kind: 'AnalysisResult',
    tool: {name: 'densityplan', version: input.toolVersion},
    cluster: input.cluster,
    generatedAt: input.generatedAt,
    seed: s.seed,
    replications: s.replications,
    ...(input.shard ? {shard: input.shard} : {}),
    settings: {
      sloMs: s.sloMs,
      sloQuantile: 'p99',
      sweepPoints: s.sweepPoints,
      burstSizes: s.burstSizes,
      quantileMethod: 'Hyndman-Fan type 7 (linear interpolation; numpy default)',
      ciMethod: `percentile bootstrap over replications, ${s.bootstrapResamples} resamples, 95%`,
    },
    models: input.models,
    assumptions: input.assumptions,
    pools,
    classes,
    overall,
    nullfsNote: NULLFS_NOTE,
    thresholds: {rules: input.rules, violations},
  })
}

/**
 * Validates a result against its schema and returns it with keys in schema order, so a result
 * built here and one read back from a file serialise to the same bytes.
 */
export function canonical(result: AnalysisResult): AnalysisResult {
  return AnalysisResultSchema.parse(result)
}

/** Everything derived from the class results: sorted classes, pools, the overall verdict, violations. */
export function deriveSummaries(
  input: readonly NodeClassResult[],
  sloMs: number,
  rules: readonly ParsedRule[],
): Pick<AnalysisResult, 'classes' | 'pools' | 'overall'> & {violations: AnalysisResult['thresholds']['violations']} {
  const classes = [...input].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const otnImages = [...new Set(classes.filter((c) => kernelHasOtn(c.kernel)).map((c) => `${c.osImage} (${c.kernel})`))].sort()
  const poolNames = [...new Set(classes.map((c) => c.pool))].sort()
  const pools = poolNames.map((name) =>
    buildPool(
      name,
      classes.filter((c) => c.pool === name),
      otnImages,
      sloMs,
    ),
  )
  // The overall burst assumption, worded once over every class rather than once per pool.
  const base = recommendOverall(pools)
  const assumes = pools.length > 1 ? burstAssumption(classes) : (pools[0]?.recommendation.assumes ?? '')
  const overall = {...base, headline: assumes ? `${base.headline} (${assumes})` : base.headline, assumes}
  return {classes, pools, overall, violations: evaluateRules(rules, pools, classes)}
}

function buildPool(name: string, classes: NodeClassResult[], otnImages: string[], sloMs: number): PoolResult {
  const nodeCount = classes.reduce((s, c) => s + c.nodeCount, 0)
  const weighted = (get: (c: NodeClassResult) => number): number => Math.round(classes.reduce((s, c) => s + get(c) * c.nodeCount, 0) / Math.max(1, nodeCount))
  const blockers = poolBlockers(classes, otnImages)
  const eligible = otnEligiblePodFraction(classes)
  const facts = {classes, blockers, otnEligiblePodFraction: eligible, sloMs}
  const base = recommendPool(facts)
  const sensitivity = poolSensitivity(facts, base)
  return {
    name,
    nodeCount,
    podCount: classes.reduce((s, c) => s + c.podsPerNodeToday * c.nodeCount, 0),
    classIds: classes.map((c) => c.id),
    kernels: tally(classes, (c) => c.kernel).map(([release, nodes]) => ({release, nodes})),
    containerRuntimes: tally(classes, (c) => c.containerRuntime).map(([n, nodes]) => ({name: n, nodes})),
    osImages: tally(classes, (c) => `${c.osImage}\u0000${c.kernel}`).map(([key, nodes]) => {
      const [image = '', kernel = ''] = key.split('\u0000')
      return {image, kernel, nodes, kernelOtnCapable: kernelHasOtn(kernel)}
    }),
    podsPerNodeToday: weighted((c) => c.podsPerNodeToday),
    maxPods: Math.max(1, ...classes.map((c) => c.maxPods)),
    hostMountsToday: weighted((c) => c.hostMountsToday),
    readiness: {
      otnCapableNodes: classes.filter((c) => c.otnCapableToday).reduce((s, c) => s + c.nodeCount, 0),
      otnEligiblePodFraction: eligible,
      blockers,
    },
    slo: {legacy: poolSlo(classes, 'legacy'), otn: poolSlo(classes, 'otn')},
    recommendation: withSensitivity(base, classes, sensitivity),
    sensitivity,
  }
}

/** Node counts per distinct key, sorted by key. */
function tally(classes: NodeClassResult[], key: (c: NodeClassResult) => string): Array<[string, number]> {
  const m = new Map<string, number>()
  for (const c of classes) m.set(key(c), (m.get(key(c)) ?? 0) + c.nodeCount)
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))
}
