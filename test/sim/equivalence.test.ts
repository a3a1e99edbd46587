import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {KernelModel} from '../../src/model/schema.js'
import {EQUIVALENCE_SCENARIOS, summarizeRun, type EquivalenceScenario, type RunSummary, type SampleSummary} from './fixtures/equivalence-scenarios.js'

// The engine's answers against those of the engine before the event aggregation of issue 12,
// recorded in equivalence.json (how: its `command` field). The models used are stored in the
// fixture, so a recalibrated models/ does not move the reference.
interface Recorded extends EquivalenceScenario {
  runs: (RunSummary & {seed: number})[]
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/equivalence.json', import.meta.url), 'utf8')) as {
  models: Record<'legacy' | 'otn', KernelModel>
  scenarios: Recorded[]
}

/** Mean and 95% half-width (Student t, n − 1 degrees of freedom) of per-seed values. */
function meanCi(values: number[]): {mean: number; half: number} {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))
  const t = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][n - 1] ?? 1.96
  return {mean, half: (t * sd) / Math.sqrt(n)}
}

const byName = new Map(fixture.scenarios.map((s) => [s.name, s]))

describe('engine equivalence with the recorded engine', () => {
  it('the fixture holds every scenario of the fixed set, with its stored scenario unchanged', () => {
    for (const s of EQUIVALENCE_SCENARIOS) {
      const recorded = byName.get(s.name)
      expect(recorded, s.name).toBeDefined()
      expect(recorded!.scenario).toEqual(JSON.parse(JSON.stringify(s.scenario)))
    }
  })

  for (const recorded of fixture.scenarios) {
    describe(recorded.name, () => {
      const now = recorded.runs.map((r) => ({seed: r.seed, ...summarizeRun(runScenario(fixture.models[recorded.model], recorded.scenario, r.seed))}))

      it('gives the same samples, bit for bit, for the same seed (the aggregation is exact)', () => {
        for (const [i, r] of recorded.runs.entries()) {
          const n = now[i]!
          const pick = (x: RunSummary) => ({
            container: x.container,
            pod: x.pod,
            lockWait: x.lockWait,
            simulatedNs: x.simulatedNs,
            semAcquisitions: x.semAcquisitions,
            rcuGracePeriods: x.rcuGracePeriods,
            hostMountsMax: x.hostMountsMax,
          })
          expect(pick(n), `seed ${r.seed}`).toEqual(pick(r))
        }
      })

      it('agrees on p50 and p99 within the two 95% confidence intervals across seeds', () => {
        const kinds: ('container' | 'pod')[] = recorded.runs[0]!.pod.n > 0 ? ['container', 'pod'] : ['container']
        for (const kind of kinds) {
          for (const q of ['p50', 'p99'] as const) {
            const before = meanCi(recorded.runs.map((r) => (r[kind] as SampleSummary)[q]))
            const after = meanCi(now.map((r) => (r[kind] as SampleSummary)[q]))
            expect(Math.abs(after.mean - before.mean), `${kind} ${q}`).toBeLessThanOrEqual(before.half + after.half)
          }
        }
      })

      it('processes no more events than the recorded engine', () => {
        for (const [i, r] of recorded.runs.entries()) expect(now[i]!.events, `seed ${r.seed}`).toBeLessThanOrEqual(r.events)
      })
    })
  }
})
