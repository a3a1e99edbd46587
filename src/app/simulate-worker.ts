import {parentPort} from 'node:worker_threads'
import type {KernelModel} from '../model/schema.js'
import {runScenario, type RunOutput} from '../sim/run-scenario.js'
import type {Scenario} from '../sim/scenario.js'

/**
 * Worker thread for `simulate --jobs N` (src/app/simulate-runs.ts): gets every run of the
 * command at once, then claims them one at a time from a counter it shares with the main thread
 * and the other workers, and posts each output back (the sample arrays transferred, not copied).
 * A run is a pure function of model, scenario and seed, so which thread runs it never changes
 * the result.
 */
export interface RunTask {
  model: KernelModel
  scenario: Scenario
  seed: number
}

/** The runs, and the shared counter whose next value is the index of the next unclaimed run. */
export interface RunBatch {
  tasks: RunTask[]
  claim: Int32Array
}

export type RunResultMessage = {ready: true} | {index: number; output: RunOutput} | {index: number; error: {message: string; stack?: string}}

const port = parentPort!
port.once('message', ({tasks, claim}: RunBatch) => {
  for (let index = Atomics.add(claim, 0, 1); index < tasks.length; index = Atomics.add(claim, 0, 1)) {
    const task = tasks[index]!
    try {
      const output = runScenario(task.model, task.scenario, task.seed)
      const buffers = [output.containerStartNs, output.podStartNs, output.lockWaitNs, output.lockHoldNs].map((a) => a.buffer as ArrayBuffer)
      port.postMessage({index, output} satisfies RunResultMessage, buffers)
    } catch (err) {
      const e = err as Error
      port.postMessage({index, error: {message: e.message, ...(e.stack ? {stack: e.stack} : {})}} satisfies RunResultMessage)
      return
    }
  }
})
// Loaded and listening (RunPool.ready).
port.postMessage({ready: true} satisfies RunResultMessage)
