import {parentPort, workerData} from 'node:worker_threads'
import type {ClassJob} from '../analyze/run-classes.js'
import {runClassJob} from '../analyze/run-classes.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import {simulatorFor} from '../analyze/sim-adapter.js'
import type {KernelModel} from '../model/schema.js'

/**
 * Worker thread for `analyze --jobs N`: receives class jobs one at a time, simulates each and
 * posts the result back. Each class depends only on its own seed stream, so which worker runs
 * it never changes the result.
 */
interface Init {
  settings: AnalysisSettings
  models: KernelModel[]
}

export type WorkerMessage =
  {type: 'progress'; runs: number} | {type: 'result'; index: number; result: unknown} | {type: 'error'; index: number; message: string; stack?: string}

const init = workerData as Init
const port = parentPort!
port.on('message', (msg: {index: number; job: ClassJob} | {stop: true}) => {
  if ('stop' in msg) {
    port.close()
    return
  }
  let runs = 0
  const counted = (models: {legacy: KernelModel; otn: KernelModel}) => {
    const base = simulatorFor(models)
    return (...args: Parameters<typeof base>) => {
      const out = base(...args)
      if (++runs % 4 === 0) port.postMessage({type: 'progress', runs: 4} satisfies WorkerMessage)
      return out
    }
  }
  try {
    const result = runClassJob(msg.job, init.settings, init.models, counted)
    if (runs % 4) port.postMessage({type: 'progress', runs: runs % 4} satisfies WorkerMessage)
    port.postMessage({type: 'result', index: msg.index, result} satisfies WorkerMessage)
  } catch (err) {
    const e = err as Error
    port.postMessage({type: 'error', index: msg.index, message: e.message, stack: e.stack} satisfies WorkerMessage)
  }
})
