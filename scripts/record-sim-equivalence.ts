// Records what the simulator gives for a fixed set of scenarios, so test/sim/equivalence.test.ts
// can check a changed engine against it without the old code: per scenario and seed, the event
// count, the number of samples, p50/p90/p99/mean/max of container and pod start times, and an
// FNV-1a hash of every sample (exact equality when nothing approximate was introduced).
// The models and scenarios are stored in the fixture itself, so later model recalibrations or
// flag-mapping changes do not move the reference.
// Run (Node 24): node scripts/record-sim-equivalence.ts > test/sim/fixtures/equivalence.json
import {readFileSync} from 'node:fs'
import './ts-specifiers.mjs'
import {join} from 'node:path'

const {runScenario} = await import('../src/sim/run-scenario.js')
const {EQUIVALENCE_SCENARIOS, EQUIVALENCE_SEEDS, summarizeRun} = await import('../test/sim/fixtures/equivalence-scenarios.js')

const root = join(import.meta.dirname, '..')
const models = {
  legacy: JSON.parse(readFileSync(join(root, 'models/linux-6.18-legacy.json'), 'utf8')),
  otn: JSON.parse(readFileSync(join(root, 'models/linux-7.0-otn.json'), 'utf8')),
}
const scenarios = EQUIVALENCE_SCENARIOS.map((s) => ({
  ...s,
  runs: EQUIVALENCE_SEEDS.map((seed) => ({seed, ...summarizeRun(runScenario(models[s.model], s.scenario, seed))})),
}))
process.stdout.write(
  JSON.stringify(
    {
      command: 'node scripts/record-sim-equivalence.ts > test/sim/fixtures/equivalence.json',
      recordedFrom: process.env.RECORDED_FROM ?? 'unknown commit',
      models,
      scenarios,
    },
    null,
    1,
  ) + '\n',
)
