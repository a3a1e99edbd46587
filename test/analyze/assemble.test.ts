import {describe, expect, it} from 'vitest'
import {analyzeClass} from '../../src/analyze/analyze-class.js'
import {assembleResult, type AssembleInput} from '../../src/analyze/assemble.js'
import {DEFAULT_SETTINGS, planClass, type AnalysisSettings} from '../../src/analyze/plan.js'
import {otnEligiblePodFraction, poolBlockers} from '../../src/analyze/readiness.js'
import {recommendOverall} from '../../src/analyze/recommend.js'
import {renderSummary} from '../../src/cli/summary.js'
import {evaluateRules, parseRule, type ParsedRule} from '../../src/analyze/thresholds.js'
import {AnalysisResultSchema, type NodeClassResult} from '../../src/domain/analysis.js'
import {NO_DENSITY_TEXT} from '../../src/domain/density-text.js'
import {fakeSimulator, nodeClass} from './support/fake-sim.js'

const settings: AnalysisSettings = {
  ...DEFAULT_SETTINGS,
  seed: 3,
  replications: 2,
  sweepPoints: 4,
  burstSizes: [1, 10],
  gridDensities: 2,
  bootstrapResamples: 50,
  cdfPoints: 10,
}
const model = {id: 'm', file: 'models/m.json', sha256: 'a'.repeat(64), measuredOnKernel: '6.18.0', cpu: 'x', date: '2026-01-01'}

function classResult(over: Parameters<typeof nodeClass>[0]): NodeClassResult {
  const cls = nodeClass(over)
  return analyzeClass(cls, planClass(cls, settings, []), fakeSimulator())
}

function input(classes: NodeClassResult[], rules: ParsedRule[] = []): AssembleInput {
  return {
    toolVersion: '0.1.0',
    cluster: {name: 'unit', source: 'demo', nodeCount: 9, podCount: 300},
    generatedAt: '2026-11-20T09:00:00.000Z',
    settings,
    models: {legacy: model, otn: model},
    assumptions: [],
    classes,
    rules,
  }
}

// A pool whose legacy lock time grows with its big mount table (gains), one already on 7.0 + crun.
const heavy = (): NodeClassResult => classResult({id: 'batch-111111', pool: 'batch', hostMountsToday: 3000, nodeNames: ['b0', 'b1', 'b2']})
const ready = (): NodeClassResult =>
  classResult({
    id: 'iso-222222',
    pool: 'iso',
    kernel: '7.0.4',
    containerRuntime: 'cri-o://1.34.1',
    oci: {name: 'crun ≥ 1.29', usesOtn: true, basis: 'x'},
    otnCapableToday: true,
    podShape: {
      containersPerPod: 1,
      initContainersPerPod: 0,
      hostMountsPerPod: 5,
      runtimeMountsPerContainer: 28,
      userNamespacePodFraction: 0.8,
      hookedPodFraction: 0,
    },
  })

describe('assembleResult', () => {
  it('produces a result that validates against the AnalysisResult schema', () => {
    const r = assembleResult(input([heavy(), ready()]))
    const parsed = AnalysisResultSchema.safeParse(JSON.parse(JSON.stringify(r)))
    expect(parsed.success ? 'ok' : parsed.error.issues.slice(0, 3)).toBe('ok')
  })

  it('recommends an upgrade with caveats, listing the steps, when a pool needs a new kernel and a runtime migration', () => {
    const r = assembleResult(input([heavy(), ready()]))
    const batch = r.pools.find((p) => p.name === 'batch')!
    const iso = r.pools.find((p) => p.name === 'iso')!
    expect(batch.recommendation.verdict).toBe('upgrade-with-caveats')
    expect(batch.recommendation.headline).toMatch(/needs 2 steps: \(1\) a new node OS image with Linux ≥ 7\.0, \(2\) the OCI runtime moved to crun ≥ 1\.29/)
    expect(batch.recommendation.numbers.podsPerNodeGain).toBeGreaterThan(0)
    expect(iso.recommendation.verdict).toBe('no-gain')
    expect(iso.recommendation.headline).toMatch(/already on Linux ≥ 7.0/)
    expect(r.overall.verdict).toBe('upgrade-with-caveats')
  })

  it('recommends a plain upgrade when the runtime already uses OTN and only the kernel is old', () => {
    const onlyKernel = classResult({
      id: 'batch-333333',
      pool: 'batch',
      hostMountsToday: 3000,
      containerRuntime: 'cri-o://1.34.1',
      oci: {name: 'crun ≥ 1.29', usesOtn: true, basis: 'x'},
    })
    const r = assembleResult(input([onlyKernel]))
    expect(r.pools[0]!.readiness.blockers.map((b) => b.kind)).toEqual(['kernel'])
    expect(r.pools[0]!.recommendation.verdict).toBe('upgrade')
  })

  it('does not claim pods would take the OTN path "after the upgrade" in a pool that needs none', () => {
    const iso = assembleResult(input([ready()])).pools[0]!
    const text = [iso.recommendation.headline, ...iso.recommendation.reasons].join('\n')
    expect(text).not.toMatch(/would take/)
    expect(text).toMatch(/20% of pods already take the OTN path/)
  })

  it('says when the non-kernel start time alone exceeds the SLO', () => {
    const slow = classResult({id: 'slow-444444', pool: 'slow', observedStartMs: Array.from({length: 40}, (_, i) => 6000 + i * 100)})
    const r = assembleResult(input([slow]))
    expect(r.pools[0]!.recommendation.verdict).toBe('no-gain')
    expect(r.pools[0]!.recommendation.headline).toMatch(
      /^non-kernel start time p99 \d+(\.\d+)? s already exceeds the SLO \(5\.00 s\); the kernel path is not the constraint/,
    )
    expect(renderSummary({result: r, files: [], classes: 1})).toMatch(/\n {2}slow: non-kernel start time p99 \d+(\.\d+)? s already exceeds the SLO/)
  })

  it('words "no density meets the SLO" with the shared text, in the pool reasons and the terminal summary', () => {
    const slow = classResult({id: 'slow-444444', pool: 'slow', observedStartMs: Array.from({length: 40}, (_, i) => 6000 + i * 100)})
    const r = assembleResult(input([slow]))
    expect(r.pools[0]!.recommendation.reasons.join('\n')).toContain(`${NO_DENSITY_TEXT} legacy → ${NO_DENSITY_TEXT} OTN`)
    expect(renderSummary({result: r, files: [], classes: 1})).toContain(`${NO_DENSITY_TEXT} → ${NO_DENSITY_TEXT} (+0)`)
    expect(renderSummary({result: r, files: [], classes: 1})).not.toMatch(/\b0 → 0\b/)
  })

  it('notes in the terminal summary which limits max pods/node had to leave out', () => {
    const old = classResult({
      capacity: {
        requestsPerPod: null,
        podCIDR: null,
        bounds: [
          {limit: 'max-pods', pods: 110, status: 'limit', detail: ''},
          {limit: 'cpu', pods: null, status: 'unknown', detail: 'unknown: v1alpha1'},
          {limit: 'pod-ips', pods: null, status: 'unknown', detail: 'unknown: v1alpha1'},
        ],
      },
    })
    const text = renderSummary({result: assembleResult(input([old])), files: [], classes: 1})
    expect(text).toContain('note: max pods/node leaves out limits it cannot know (cpu, pod-ips) in 1 class(es)')
    expect(renderSummary({result: assembleResult(input([heavy()])), files: [], classes: 1})).not.toContain('cannot know')
  })

  it('states the burst the verdict assumes', () => {
    const r = assembleResult(input([heavy()]))
    expect(r.pools[0]!.recommendation.assumes).toBe('assumes a full refill of a drained node (40 pods at once)')
    expect(r.overall.assumes).toBe(r.pools[0]!.recommendation.assumes)
    // …in the headline itself, not only beside it.
    expect(r.pools[0]!.recommendation.headline).toMatch(/\(assumes a full refill of a drained node \(40 pods at once\)\)$/)
    expect(r.overall.headline).toMatch(/\(assumes a full refill of a drained node \(40 pods at once\)\)$/)
  })

  it('derives pools from classes alone, in any class order, so shard results merge by concatenation', () => {
    const a = assembleResult(input([heavy(), ready()]))
    const b = assembleResult(input([ready(), heavy()]))
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('lists what blocks the OTN path per pool', () => {
    const r = assembleResult(input([heavy(), ready()]))
    expect(r.pools.find((p) => p.name === 'batch')!.readiness.blockers.map((b) => b.kind)).toEqual(['kernel', 'containerd-default'])
    expect(r.pools.find((p) => p.name === 'iso')!.readiness.blockers.map((b) => b.kind)).toEqual(['user-namespaces'])
  })
})

describe('readiness', () => {
  it('counts pods that would take OTN once upgraded: all but user-namespaced and hooked ones', () => {
    const facts = {kernel: '6.8', osImage: 'x', containerRuntime: 'containerd://1.7', ociRuntime: 'runc', nodeCount: 2, podsPerNodeToday: 50}
    const shape = {containersPerPod: 1, initContainersPerPod: 0, hostMountsPerPod: 5, runtimeMountsPerContainer: 28}
    const classes = [
      {...facts, podShape: {...shape, userNamespacePodFraction: 0, hookedPodFraction: 0.1}},
      {...facts, podShape: {...shape, userNamespacePodFraction: 0.5, hookedPodFraction: 0}},
    ]
    expect(otnEligiblePodFraction(classes)).toBe(0.7)
    const blockers = poolBlockers(classes, ['Fedora CoreOS 43 (7.0.4)'])
    expect(blockers.map((b) => [b.kind, b.affectedPods])).toEqual([
      ['kernel', 200],
      ['containerd-default', 200],
      ['user-namespaces', 50],
      ['hooks', 10],
    ])
    expect(blockers[0]!.fix).toMatch(/Fedora CoreOS 43/)
  })
})

describe('recommendOverall', () => {
  it('says no-gain only when no pool gains', () => {
    const pool = (name: string, verdict: 'upgrade' | 'no-gain' | 'upgrade-with-caveats') => ({
      name,
      nodeCount: 10,
      recommendation: {
        verdict,
        headline: name,
        reasons: [],
        numbers: {
          p99TodayLegacyMs: 4000,
          p99TodayOtnMs: 2000,
          maxPodsPerNodeLegacy: 50,
          maxPodsPerNodeOtn: 90,
          podsPerNodeGain: 40,
          maxPodsLowerBound: {legacy: false, otn: false},
          bindingLimit: {legacy: 'kernel-latency' as const, otn: 'kernel-latency' as const},
          otnPodFraction: 1,
        },
        assumes: '',
        changesIf: [],
      },
    })
    expect(recommendOverall([pool('a', 'no-gain'), pool('b', 'no-gain')]).verdict).toBe('no-gain')
    expect(recommendOverall([pool('a', 'upgrade'), pool('b', 'no-gain')]).verdict).toBe('upgrade')
    expect(recommendOverall([pool('a', 'upgrade'), pool('b', 'upgrade-with-caveats')]).verdict).toBe('upgrade-with-caveats')
  })

  it('marks a max pods/node as a lower bound when the SLO held across the whole sweep', () => {
    const lb = (legacy: boolean, otn: boolean) => ({
      name: 'p',
      nodeCount: 1,
      recommendation: {
        verdict: 'upgrade' as const,
        headline: 'p',
        reasons: [],
        numbers: {
          p99TodayLegacyMs: 4000,
          p99TodayOtnMs: 2000,
          maxPodsPerNodeLegacy: 50,
          maxPodsPerNodeOtn: 90,
          podsPerNodeGain: 40,
          maxPodsLowerBound: {legacy, otn},
          bindingLimit: {legacy: 'kernel-latency' as const, otn: 'kernel-latency' as const},
          otnPodFraction: 1,
        },
        assumes: '',
        changesIf: [],
      },
    })
    expect(recommendOverall([lb(false, false)]).numbers.maxPodsLowerBound).toEqual({legacy: false, otn: false})
    expect(recommendOverall([lb(false, true), lb(false, false)]).numbers.maxPodsLowerBound).toEqual({legacy: false, otn: true})
  })

  it('says "node-weighted" only when it averages more than one pool', () => {
    const pool = (name: string, nodes: number) => ({
      name,
      nodeCount: nodes,
      recommendation: {
        verdict: 'upgrade' as const,
        headline: name,
        reasons: [],
        numbers: {
          p99TodayLegacyMs: 4000,
          p99TodayOtnMs: 2000,
          maxPodsPerNodeLegacy: 50,
          maxPodsPerNodeOtn: 90,
          podsPerNodeGain: 40,
          maxPodsLowerBound: {legacy: false, otn: false},
          bindingLimit: {legacy: 'kernel-latency' as const, otn: 'cpu' as const},
          otnPodFraction: 1,
        },
        assumes: '',
        changesIf: [],
      },
    })
    expect(recommendOverall([pool('a', 3)]).headline).toBe('upgrade a: p99 4.00 s → 2.00 s, +40 pods/node under the SLO')
    expect(recommendOverall([pool('a', 3), pool('b', 1)]).headline).toMatch(/^upgrade a, b: node-weighted p99/)
  })
})

describe('--fail-on thresholds', () => {
  it('parses latency rules with units and count rules without', () => {
    expect(parseRule('p99>5s')).toEqual({expr: 'p99>5s', metric: 'p99', op: '>', value: 5000, path: 'today'})
    expect(parseRule('otn.p50 >= 1500ms')).toMatchObject({metric: 'p50', op: '>=', value: 1500, path: 'otn'})
    expect(parseRule('maxpods<60')).toMatchObject({metric: 'maxpods', op: '<', value: 60})
    // The same duration syntax as every flag (lib/duration.ts).
    expect(parseRule('legacy.p90<0.5m')).toMatchObject({metric: 'p90', op: '<', value: 30_000, path: 'legacy'})
  })

  it('rejects malformed rules with a message naming the rule and the syntax', () => {
    expect(parseRule('p99 over 5s')).toMatch(/cannot read --fail-on "p99 over 5s": expected/)
    expect(parseRule('p99>5')).toMatch(/give the latency a unit/)
    expect(parseRule('maxpods<60s')).toMatch(/takes no unit/)
  })

  it('reports a violation per pool where the condition holds, and none where it does not', () => {
    const r = assembleResult(input([heavy(), ready()]))
    const batchP99 = r.classes.find((c) => c.pool === 'batch')!.results.legacy.today.podStart.p99Ms
    const strict = parseRule(`p99>${Math.floor(batchP99) - 1}ms`) as ParsedRule
    const lax = parseRule(`p99>${Math.ceil(batchP99) + 100000}ms`) as ParsedRule
    const v = evaluateRules([strict, lax], r.pools, r.classes)
    expect(v.filter((x) => x.subject === 'pool/batch').map((x) => x.rule)).toEqual([strict.expr])
    expect(v[0]!.actual).toBe(batchP99)
    expect(assembleResult(input([heavy()], [strict])).thresholds.violations).toHaveLength(1)
  })
})
