import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {deriveSummaries} from '../../src/analyze/assemble.js'
import {DEFAULT_SETTINGS, type AnalysisSettings} from '../../src/analyze/plan.js'
import {runClassJob} from '../../src/analyze/run-classes.js'
import {simulatorFor} from '../../src/analyze/sim-adapter.js'
import type {NodeClassResult} from '../../src/domain/analysis.js'
import {loadDemoSnapshot} from '../../src/io/demo.js'
import {KernelModelSchema} from '../../src/model/schema.js'
import {mergeHistograms} from '../../src/profile/histogram.js'
import {buildNodeClasses} from '../../src/profile/node-classes.js'

/**
 * The demo's verdicts must not depend on the seed: with the default settings (replications grow
 * until each p99's 95% CI is narrow, back-test fit per class), three seeds give the same verdict
 * for every pool, and every class's p99 intervals overlap between seeds.
 */
const model = (file: string) => KernelModelSchema.parse(JSON.parse(readFileSync(new URL(`../../models/${file}`, import.meta.url), 'utf8')))
const models = {legacy: model('linux-6.18-legacy.json'), otn: model('linux-7.0-otn.json')}

function analyzeDemo(seed: number): {classes: NodeClassResult[]; verdicts: Record<string, string>} {
  const snapshot = loadDemoSnapshot()
  const classes = buildNodeClasses(snapshot)
  const settings: AnalysisSettings = {...DEFAULT_SETTINGS, seed, contentionCurve: models.legacy.costs.cpuContention?.points}
  const simulate = simulatorFor(models)
  const results = classes.map((cls) =>
    runClassJob(
      {
        cls,
        poolObservedMs: classes.filter((c) => c.pool === cls.pool).flatMap((c) => c.observedStartMs),
        poolSli: mergeHistograms(classes.filter((c) => c.pool === cls.pool && c.kubeletSli).map((c) => c.kubeletSli!)),
      },
      settings,
      simulate,
    ),
  )
  const {pools} = deriveSummaries(results, settings.sloMs, [])
  return {classes: results, verdicts: Object.fromEntries(pools.map((p) => [p.name, p.recommendation.verdict]))}
}

describe('the demo analysis across seeds', () => {
  it('gives the same verdict per pool for seeds 1, 7 and 13, with overlapping p99 intervals for every class and path', () => {
    const runs = [1, 7, 13].map(analyzeDemo)
    expect(runs[1]!.verdicts).toEqual(runs[0]!.verdicts)
    expect(runs[2]!.verdicts).toEqual(runs[0]!.verdicts)
    const overlaps = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] <= b[1] && b[0] <= a[1]
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      for (const a of runs[i]!.classes) {
        const b = runs[j]!.classes.find((c) => c.id === a.id)!
        for (const path of ['legacy', 'otn'] as const) {
          expect(overlaps(a.results[path].today.podStart.ci95.p99Ms, b.results[path].today.podStart.ci95.p99Ms), `${a.id} ${path} seeds ${i}/${j}`).toBe(true)
        }
        // Every class of the demo passes its back-test whatever the seed.
        if (a.backTest) expect(a.backTest.withinTolerance, `${a.id} back-test`).toBe(true)
      }
    }
  }, 600_000)
})
