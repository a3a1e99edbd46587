import {parentPort} from 'node:worker_threads'
import type {ClassFit} from '../analyze/analyze-class.js'
import type {KernelPath} from '../domain/analysis.js'
import {prepareClassJob, runClassPathJob, type ClassJob} from '../analyze/run-classes.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import {simulatorFor} from '../analyze/sim-adapter.js'
import type {KernelModel} from '../model/schema.js'

/**
 * Worker thread for `analyze --jobs N`: receives tasks one at a time (a class's fit, or one path
 * of a fitted class; src/app/analyze-jobs.ts schedules them), simulates and posts the result
 * back. Each task depends only on its inputs and the class's seed stream, so which worker runs
 * it never changes the result.
 */
interface Init {
  settings: AnalysisSettings
  models: KernelModel[]
}

/**
 * The first message a worker gets: the run's settings and models. Workers are started before the
 * snapshot is loaded (analyze-jobs.ts startAnalysisWorkers), so these cannot be its workerData.
 */
export interface InitMessage {
  init: Init
}

/** What the scheduler hands out: a class's fit, or one path once the fit is in. */
export type WorkerTask = {kind: 'fit'; index: number} | {kind: 'path'; index: number; path: KernelPath}

type TaskMessage =
  InitMessage | ({kind: 'fit'; index: number; job: ClassJob} | {kind: 'path'; index: number; path: KernelPath; job: ClassJob; fit: ClassFit}) | {stop: true}

export type WorkerMessage =
  | {type: 'progress'; runs: number}
  | {type: 'fit'; index: number; fit: unknown}
  | {type: 'path'; index: number; path: KernelPath; result: unknown}
  | {type: 'error'; index: number; message: string; stack?: string}

let init: Init | undefined
const port = parentPort!
port.on('message', (msg: TaskMessage) => {
  if ('stop' in msg) {
    port.close()
    return
  }
  if ('init' in msg) {
    init = msg.init
    return
  }
  if (init === undefined) throw new Error('analysis worker: a task arrived before its settings and models')
  const {settings, models} = init
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
    const done: WorkerMessage =
      msg.kind === 'fit'
        ? {type: 'fit', index: msg.index, fit: prepareClassJob(msg.job, settings, models, counted)}
        : {type: 'path', index: msg.index, path: msg.path, result: runClassPathJob(msg.job, msg.fit, models, counted, msg.path)}
    if (runs % 4) port.postMessage({type: 'progress', runs: runs % 4} satisfies WorkerMessage)
    port.postMessage(done)
  } catch (err) {
    const e = err as Error
    port.postMessage({type: 'error', index: msg.index, message: e.message, stack: e.stack} satisfies WorkerMessage)
  }
})
