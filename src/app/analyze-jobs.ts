import {Worker} from 'node:worker_threads'
import type {KernelPath, NodeClassResult} from '../domain/analysis.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import type {ClassFit} from '../analyze/analyze-class.js'
import {finishClassJob, runClassJob, type ClassJob, type ClassPathJobResult} from '../analyze/run-classes.js'
import {simulatorFor} from '../analyze/sim-adapter.js'
import type {KernelModel} from '../model/schema.js'
import type {InitMessage, WorkerMessage, WorkerTask} from './analyze-worker.js'
import {startWorkerPool, type WorkerPool} from './worker-thread.js'

export interface RunJobsOptions {
  jobs: number
  settings: AnalysisSettings
  /** Every model some class runs on; jobs refer to them by index. */
  models: KernelModel[]
  /** Called with the number of simulator runs just finished. */
  onRuns: (runs: number) => void
  /**
   * Estimated cost per job (any unit, e.g. analyze/run-classes.ts estimatedCost): workers take the
   * costliest work first, so a large class does not start last and leave one core idle at the end.
   * Only the order of work changes, never a result.
   */
  costs?: readonly number[]
  /**
   * Worker threads started earlier (startAnalysisWorkers), so that their start-up overlapped
   * with loading the snapshot; runJobs hands them
   * their settings and models first. Without it, runJobs starts its own. Either way they are
   * terminated when runJobs returns.
   */
  pool?: WorkerPool
}

/**
 * Starts `size` analysis workers now. They wait for an init message (settings and models) and
 * then for tasks. An error a worker raises before runJobs listens is kept and rethrown there.
 */
export function startAnalysisWorkers(size: number): WorkerPool {
  return startWorkerPool('analyze-worker', size)
}

/**
 * Runs class jobs on `jobs` worker threads (1 = in this thread). On threads, a class is three
 * tasks (analyze/run-classes.ts): its fit, then its legacy and its OTN path, which two workers can
 * run at once, so the costliest class does not keep one core busy alone at the end. Its result
 * is assembled here from the two paths. Every task is a pure function of its inputs and results
 * are stored by job index, so the output never depends on --jobs or on the scheduling.
 */
export async function runJobs(jobs: ClassJob[], opts: RunJobsOptions): Promise<NodeClassResult[]> {
  if (opts.jobs <= 1 || jobs.length === 0) return runInline(jobs, opts)
  const results: NodeClassResult[] = new Array(jobs.length)
  const fits: ClassFit[] = new Array(jobs.length)
  const paths: Array<Partial<Record<KernelPath, ClassPathJobResult>>> = jobs.map(() => ({}))
  const queue = new TaskQueue(feedOrder(jobs.length, opts.costs))
  let finished = 0
  const pool = opts.pool ?? startAnalysisWorkers(Math.min(opts.jobs, 2 * jobs.length))
  const workers = pool.workers
  for (const w of workers) w.postMessage({init: {settings: opts.settings, models: opts.models}} satisfies InitMessage)
  try {
    const early = pool.earlyError()
    if (early) throw early
    await new Promise<void>((resolve, reject) => {
      const idle: Worker[] = []
      const dispatch = (): void => {
        while (idle.length) {
          const task = queue.next()
          if (!task) return
          const w = idle.pop()!
          w.postMessage(task.kind === 'fit' ? {...task, job: jobs[task.index]} : {...task, job: jobs[task.index], fit: fits[task.index]})
        }
      }
      for (const w of workers) {
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') return opts.onRuns(m.runs)
          if (m.type === 'error') return reject(Object.assign(new Error(m.message), {stack: m.stack}))
          if (m.type === 'fit') {
            fits[m.index] = m.fit as ClassFit
            queue.fitted(m.index)
          } else {
            const got = paths[m.index]!
            got[m.path] = m.result as ClassPathJobResult
            if (got.legacy && got.otn) {
              results[m.index] = finishClassJob(jobs[m.index]!, fits[m.index]!, got.legacy, got.otn)
              paths[m.index] = {}
              if (++finished === jobs.length) return resolve()
            }
          }
          idle.push(w)
          dispatch()
        })
        w.on('error', reject)
        w.on('exit', (code) => (finished < jobs.length ? reject(new Error(`analysis worker exited with code ${code}`)) : undefined))
        idle.push(w)
      }
      dispatch()
    })
  } finally {
    await pool.close()
  }
  return results
}

/**
 * The tasks ready to run, by the class's rank in `order` (costliest first): a class's fit, then,
 * once it is in, its two paths. A free worker takes the ready task of the costliest class.
 */
export class TaskQueue {
  private readonly ready: WorkerTask[]
  private readonly rank: Map<number, number>

  constructor(order: readonly number[]) {
    this.rank = new Map(order.map((index, r) => [index, r]))
    this.ready = order.map((index) => ({kind: 'fit', index}))
  }

  /** The class's fit is done: both its paths are ready. */
  fitted(index: number): void {
    this.ready.push({kind: 'path', index, path: 'legacy'}, {kind: 'path', index, path: 'otn'})
    const rank = (t: WorkerTask): number => this.rank.get(t.index)!
    // Stable: among one class's tasks, legacy stays before OTN.
    this.ready.sort((a, b) => rank(a) - rank(b))
  }

  next(): WorkerTask | undefined {
    return this.ready.shift()
  }
}

/** Job indices, costliest first (longest-processing-time-first scheduling); ties keep job order. */
export function feedOrder(count: number, costs?: readonly number[]): number[] {
  const order = Array.from({length: count}, (_, i) => i)
  return costs ? order.sort((a, b) => (costs[b] ?? 0) - (costs[a] ?? 0) || a - b) : order
}

async function runInline(jobs: ClassJob[], opts: RunJobsOptions): Promise<NodeClassResult[]> {
  const counted = (models: {legacy: KernelModel; otn: KernelModel}) => {
    const base = simulatorFor(models)
    return (...args: Parameters<typeof base>) => {
      const r = base(...args)
      opts.onRuns(1)
      return r
    }
  }
  const out: NodeClassResult[] = []
  for (const job of jobs) {
    out.push(runClassJob(job, opts.settings, opts.models, counted))
    // Let the progress bar redraw between classes.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return out
}
