import {Worker} from 'node:worker_threads'
import type {NodeClassResult} from '../domain/analysis.js'
import type {AnalysisSettings} from '../analyze/plan.js'
import {runClassJob, type ClassJob} from '../analyze/run-classes.js'
import {simulatorFor} from '../analyze/sim-adapter.js'
import type {KernelModel} from '../model/schema.js'
import type {WorkerMessage} from './analyze-worker.js'

export interface RunJobsOptions {
  jobs: number
  settings: AnalysisSettings
  /** Every model some class runs on; jobs refer to them by index. */
  models: KernelModel[]
  /** Called with the number of simulator runs just finished. */
  onRuns: (runs: number) => void
  /**
   * Estimated cost per job (any unit, e.g. analyze/run-classes.ts estimatedCost): workers take the
   * costliest jobs first, so a large class does not start last and leave one core idle at the end.
   * Only the order of work changes, never a result.
   */
  costs?: readonly number[]
}

/**
 * Runs class jobs on `jobs` worker threads (1 = in this thread). Results come back in job
 * order whatever the scheduling, so the output never depends on --jobs.
 */
export async function runJobs(jobs: ClassJob[], opts: RunJobsOptions): Promise<NodeClassResult[]> {
  if (opts.jobs <= 1 || jobs.length <= 1) return runInline(jobs, opts)
  const results: NodeClassResult[] = new Array(jobs.length)
  const order = feedOrder(jobs.length, opts.costs)
  let next = 0
  const workers = Array.from({length: Math.min(opts.jobs, jobs.length)}, () => startWorker(opts))
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= jobs.length) return resolve()
              const index = order[next++]!
              w.postMessage({index, job: jobs[index]})
            }
            w.on('message', (m: WorkerMessage) => {
              if (m.type === 'progress') opts.onRuns(m.runs)
              else if (m.type === 'error') reject(Object.assign(new Error(m.message), {stack: m.stack}))
              else {
                results[m.index] = m.result as NodeClassResult
                feed()
              }
            })
            w.on('error', reject)
            w.on('exit', (code) => (next < jobs.length || code !== 0 ? reject(new Error(`analysis worker exited with code ${code}`)) : undefined))
            feed()
          }),
      ),
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return results
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

function startWorker(opts: RunJobsOptions): Worker {
  const here = import.meta.url
  // From src/ (tests, bin/dev.js) the worker is TypeScript: load it through tsx.
  const ts = here.endsWith('.ts')
  const url = new URL(`./analyze-worker.${ts ? 'ts' : 'js'}`, here)
  return new Worker(url, {workerData: {settings: opts.settings, models: opts.models}, execArgv: ts ? ['--import', 'tsx'] : [], stdout: false, stderr: false})
}
