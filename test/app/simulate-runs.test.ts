import {describe, expect, it} from 'vitest'
import {runTasks, startRunPool, type RunTask} from '../../src/app/simulate-runs.js'
import {loadShippedModels} from '../../src/io/model-file.js'
import {defaultModelFor} from '../../src/model/registry.js'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {Scenario} from '../../src/sim/scenario.js'
import {baseScenario} from '../sim/fixtures/scenario.js'

async function legacyModel() {
  return defaultModelFor(await loadShippedModels(), 'legacy').model
}

// Pods (not bare starts) on 2 cores, with one mountinfo reader.
const scenario: Scenario = baseScenario({
  workload: {kind: 'burst', pods: 6},
  cores: 2,
  hostMounts: 800,
  pod: {...baseScenario().pod, hostMountsPerPod: 4, containerMounts: 11, runtimeOnly: false},
  readers: {count: 1, intervalNs: 1e9},
  legacyFallbackFraction: 0,
})

describe('runTasks', () => {
  it('returns each run’s output in task order, the same as running them here, when a worker runs some of them', async () => {
    const model = await legacyModel()
    // Runs of ~20–50 ms each, so that the loaded worker claims some while this thread runs the
    // first ones. Which thread claims what is up to the OS scheduler: on a loaded machine the
    // worker may get no CPU in time, so a round where this thread ran them all is tried again.
    const heavier: Scenario = {...scenario, workload: {kind: 'burst', pods: 30}, hostMounts: 4000}
    const tasks: RunTask[] = [11, 12, 13, 14, 15, 16].map((seed) => ({model, scenario: heavier, seed}))
    const expected = tasks.map((t) => Array.from(runScenario(t.model, t.scenario, t.seed).podStartNs))
    let onWorker = 0
    for (let round = 0; round < 5 && onWorker === 0; round++) {
      const pool = startRunPool(1)
      try {
        await pool.ready()
        const outputs = await runTasks(tasks, pool, (worker) => (onWorker += worker ? 1 : 0))
        expect(outputs.map((o) => Array.from(o.podStartNs))).toEqual(expected)
      } finally {
        await pool.close()
      }
    }
    expect(onWorker).toBeGreaterThan(0)
  })

  it('finishes when a worker ran out of runs and exited while another thread still runs one', async () => {
    const model = await legacyModel()
    // One long run among short ones: whichever thread claims it, the others run out of runs and
    // the workers among them exit (code 0) while it is still running.
    const long: Scenario = {...scenario, workload: {kind: 'burst', pods: 60}, hostMounts: 8000}
    const tasks: RunTask[] = [scenario, long, scenario, scenario, scenario, scenario].map((s, i) => ({model, scenario: s, seed: i + 1}))
    const pool = startRunPool(2)
    try {
      await pool.ready()
      const exits = pool.workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)))
      const outputs = await runTasks(tasks, pool, () => undefined)
      expect(outputs.map((o) => o.podStartNs.length)).toEqual([6, 60, 6, 6, 6, 6])
      // Both workers found nothing left and ended on their own.
      expect(await Promise.all(exits)).toEqual([0, 0])
    } finally {
      await pool.close()
    }
  })

  it('rejects with the error a run raised, on whichever thread it ran', async () => {
    const model = await legacyModel()
    // An invalid scenario makes runScenario throw (validateScenario) on every thread.
    const bad = {...scenario, cores: 0}
    const pool = startRunPool(1)
    try {
      await pool.ready()
      await expect(
        runTasks(
          [0, 1, 2, 3].map((seed) => ({model, scenario: bad, seed})),
          pool,
          () => undefined,
        ),
      ).rejects.toThrow(/cores/)
    } finally {
      await pool.close()
    }
  })
})
