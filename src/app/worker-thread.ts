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
