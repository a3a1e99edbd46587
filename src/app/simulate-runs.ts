import {runScenario, type RunOutput} from '../sim/run-scenario.js'
import type {RunBatch, RunResultMessage, RunTask} from './simulate-worker.js'
import {startWorkerPool, type WorkerPool} from './worker-thread.js'

export type {RunTask} from './simulate-worker.js'

/**
 * The helper threads of `simulate --jobs N`: N − 1 workers, since the main thread runs
 * replications too. Started before the models load so their start-up overlaps with it.
 */
export interface RunPool extends WorkerPool {
  /** Resolves once every worker has loaded and waits for runs (tests use it so workers take some). */
  ready(): Promise<void>
}

export function startRunPool(workers: number): RunPool {
  const pool = startWorkerPool('simulate-worker', workers)
  // A worker's first message says it has loaded (simulate-worker.ts).
  const loaded = Promise.all(pool.workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())))).then(() => undefined)
  return {...pool, ready: () => loaded}
}

/**
 * Runs simulator replications on this thread and the pool's workers. Every thread claims the
 * next unclaimed run from one shared counter (Atomics.add), so a thread that is still starting
 * up, or runs a slower replication, simply claims fewer (a worker that is not ready before this
 * thread has claimed them all runs none). Whether that is faster depends on free cores: two
 * busy threads can each run slower than one alone (docs/simulate.md, "Threads"). Outputs come
 * back in task order whatever thread ran them, and a run is a pure function of its task, so the
 * result never depends on --jobs.
 * `onRun` is called once per finished run (for a worker's runs, when this thread next listens),
 * with whether a worker ran it.
 */
export async function runTasks(tasks: readonly RunTask[], pool: RunPool | undefined, onRun: (onWorker: boolean) => void): Promise<RunOutput[]> {
  const outputs: RunOutput[] = new Array(tasks.length)
  if (pool === undefined || pool.workers.length === 0 || tasks.length <= 1) {
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!
      outputs[i] = runScenario(t.model, t.scenario, t.seed)
      onRun(false)
      // Runs are synchronous; yield so a progress bar on stderr can redraw between them.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return outputs
  }
  const early = pool.earlyError()
  if (early) throw early
  const claim = new Int32Array(new SharedArrayBuffer(4))
  let finished = 0
  let failure: Error | null = null
  let allDone: () => void = () => undefined
  const done = new Promise<void>((resolve) => (allDone = resolve))
  const finish = (onWorker: boolean): void => {
    onRun(onWorker)
    if (++finished === tasks.length) allDone()
  }
  for (const w of pool.workers) {
    w.on('message', (m: RunResultMessage) => {
      if ('ready' in m) return
      if ('error' in m) {
        failure ??= Object.assign(new Error(m.error.message), m.error.stack ? {stack: m.error.stack} : {})
        return allDone()
      }
      outputs[m.index] = m.output
      finish(true)
    })
    const fail = (err: Error): void => {
      failure ??= err
      allDone()
    }
    w.on('error', fail)
    // A worker that found no run left to claim has nothing more to listen for and exits with
    // code 0, possibly while this thread still runs its last one (its outputs were posted before,
    // and are delivered before 'exit'). Only another exit code is a failure.
    w.on('exit', (code) => (code !== 0 && finished < tasks.length ? fail(new Error(`simulation worker exited with code ${code}`)) : undefined))
    w.postMessage({tasks: [...tasks], claim} satisfies RunBatch)
  }
  for (let index = Atomics.add(claim, 0, 1); index < tasks.length && failure === null; index = Atomics.add(claim, 0, 1)) {
    const t = tasks[index]!
    outputs[index] = runScenario(t.model, t.scenario, t.seed)
    finish(false)
    // Let worker outputs and a progress bar on stderr through between runs.
    await new Promise((resolve) => setImmediate(resolve))
  }
  await done
  if (failure !== null) throw failure
  return outputs
}
