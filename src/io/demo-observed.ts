import {simulateToday} from '../analyze/analyze-class.js'
import {DEFAULT_SETTINGS, planClass} from '../analyze/plan.js'
import {simulatorFor} from '../analyze/sim-adapter.js'
import {createPrng} from '../lib/prng.js'
import type {KernelModel} from '../model/schema.js'
import {defaultModelFor} from '../model/registry.js'
import type {StartLatencyModel} from '../demo/generator.js'
import {loadShippedModels} from './model-file.js'

/**
 * The demo's observed pod starts, consistent with the model analyze runs: each class's starts are
 * drawn from the simulation of today (its kernel path today, density, mounts, burst, with the
 * default contention setting) with the pool's true non-kernel lognormal, replications on their own
 * seeds. analyze then has to recover that lognormal (its back-test), which is the demo's
 * identifiability check.
 */
export function modelStartLatencies(models: {legacy: KernelModel; otn: KernelModel}): StartLatencyModel {
  const simulate = simulatorFor(models)
  return (cls, nonKernel, count, seed) => {
    const plan = planClass(cls, {...DEFAULT_SETTINGS, seed, contentionCurve: models.legacy.costs.cpuContention?.points}, [], null)
    const burst = Math.max(1, Math.min(plan.burstToday, Math.max(1, cls.podsPerNodeToday)))
    const starts = simulateToday(cls, plan, simulate, cls.otnCapableToday ? 'otn' : 'legacy', nonKernel, Math.ceil(count / burst), seed)
    // Pods of one burst start in queue order; a seeded shuffle keeps that out of pod order.
    const rng = createPrng(seed)
    const out = Array.from(starts)
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng.nextFloat() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out.slice(0, count)
  }
}

/** The same, with the shipped models (what scripts/generate-demo.ts and the demo test use). */
export async function shippedStartLatencies(): Promise<StartLatencyModel> {
  const shipped = await loadShippedModels()
  return modelStartLatencies({legacy: defaultModelFor(shipped, 'legacy').model, otn: defaultModelFor(shipped, 'otn').model})
}
