import {Worker} from 'node:worker_threads'

/**
 * Starts the worker thread whose module is `./NAME.js` next to this file (dist/), or `./NAME.ts`
 * loaded through tsx when running from src/ (tests, bin/dev.js). Its stdout and stderr go to
 * this process's.
 */
export function startWorkerThread(name: string): Worker {
  const here = import.meta.url
  const ts = here.endsWith('.ts')
  const url = new URL(`./${name}.${ts ? 'ts' : 'js'}`, here)
  return new Worker(url, {execArgv: ts ? ['--import', 'tsx'] : [], stdout: false, stderr: false})
}

/**
 * Worker threads started ahead of their work, so their start-up (a Node isolate and the
 * simulator's modules, 65–95 ms each) overlaps with what the main thread loads meanwhile
 * (analyze-jobs.ts, simulate-runs.ts).
 */
export interface WorkerPool {
  readonly workers: readonly Worker[]
  /** The first error a worker raised before its user listened, if any (rethrown there). */
  earlyError(): Error | undefined
  /** Terminates every worker; safe to call more than once. */
  close(): Promise<void>
}

/** Starts `size` workers of module NAME (startWorkerThread) now. */
export function startWorkerPool(name: string, size: number): WorkerPool {
  const workers = Array.from({length: size}, () => startWorkerThread(name))
  const early: Error[] = []
  for (const w of workers) w.once('error', (err: Error) => early.push(err))
  let closed: Promise<void> | null = null
  return {
    workers,
    earlyError: () => early[0],
    close: () => (closed ??= Promise.all(workers.map((w) => w.terminate())).then(() => undefined)),
  }
}
