import {InputError} from '../errors/errors.js'
import {series} from './probe-output.js'
import {runProbe} from './probe-runner.js'
import {crunRunCommand, type CrunBundle} from './crun-bundle.js'

export interface CrunLoadRequest {
  /** Extra host mounts (bind mounts) added before the run; the namespace also has its baseline. */
  addedMounts: number
  concurrency: number
  starts: number
  warmup: number
  /** Extra sleeping threads on the system during the run (pivot_root walks every thread). */
  extraThreads: number
}

export interface CrunLoadResult {
  /** Mounts in the namespace crun ran in (what copy_mnt_ns copies). */
  mounts: number
  /** Threads on the system during the run. */
  threads: number
  /** Wall time of each `crun run` of /bin/true, fork to waitpid, ns, in start order. */
  startNs: number[]
  /** CPU time of each start (crun and the container, from wait4's rusage), ns. */
  cpuNs: number[]
  wallNs: number
}

/**
 * Runs C closed-loop workers starting containers through the probe's `run-load` (which owns
 * the private namespace, the pure cgroup2 mount and the M host mounts), and returns each start's
 * wall time. Any failed start is an error: a measurement with failures is not comparable.
 */
export async function runCrunLoad(probe: string, bundle: CrunBundle, req: CrunLoadRequest): Promise<CrunLoadResult> {
  const args = [
    '--scratch',
    '/run',
    '--added',
    String(req.addedMounts),
    '--concurrency',
    String(req.concurrency),
    '--starts',
    String(req.starts),
    '--warmup',
    String(req.warmup),
    '--threads',
    String(req.extraThreads),
    '--',
    ...crunRunCommand(bundle.dir),
  ]
  const out = await runProbe(probe, 'run-load', args, {timeoutMs: 900_000})
  const failed = out.points.filter((p) => p.series === 'failed')
  if (failed.length > 0) {
    throw new InputError(
      `${failed.length} of ${req.starts} container starts failed (first: start ${failed[0]!.x}, wait status ${failed[0]!.ns})`,
      "run `crun --cgroup-manager=disabled run` by hand inside `unshare -m` to see crun's error; check that crun and busybox-static are installed",
    )
  }
  const meta = (name: string) => out.points.find((p) => p.series === name)
  return {
    mounts: meta('mounts')?.x ?? 0,
    threads: meta('threads')?.x ?? 0,
    wallNs: meta('wall')?.ns ?? 0,
    startNs: series(out, 'start').map((p) => p.ns),
    cpuNs: series(out, 'cpu').map((p) => p.ns),
  }
}
