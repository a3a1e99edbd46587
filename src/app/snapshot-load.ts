import type {ClusterSnapshot} from '../domain/snapshot.js'
import {InputError} from '../errors/errors.js'
import type {NodeClass} from '../profile/node-classes.js'
import {startWorkerThread} from './worker-thread.js'

/**
 * A snapshot file read for analyze, without its pods: what is left of them lives on in the node
 * classes' figures.
 */
export interface LoadedSnapshotClasses {
  snapshot: ClusterSnapshot
  podCount: number
  classes: NodeClass[]
}

/** @internal What snapshot-load-worker.ts is asked. */
export interface SnapshotLoadRequest {
  path: string
  ociRuntime?: string
}

/** @internal What it answers: the loaded snapshot, or the error that stopped it. */
export type SnapshotLoadReply =
  ({ok: true} & LoadedSnapshotClasses) | {ok: false; input: boolean; message: string; fix: string | undefined; stack: string | undefined}

/** A snapshot loading thread started ahead of its request (its start-up overlaps the model loading). */
export interface SnapshotLoader {
  /** Reads the file and builds its classes; once per loader. */
  load(request: SnapshotLoadRequest): Promise<LoadedSnapshotClasses>
  /** Ends the thread; safe to call more than once, and after load. */
  close(): Promise<void>
}

/**
 * Starts the thread that reads a snapshot file and builds its node classes
 * (src/profile/node-classes.ts); it ends once it has answered.
 *
 * Why a thread: parsing and validating a 5,000-node / 151,409-pod snapshot (122 MB) leaves
 * hundreds of MB of garbage (the JSON text, the parsed tree and zod's validated copy), and after
 * it this process allocates almost nothing while the analysis workers simulate, so V8 never ran
 * the collection that would give it back: it stayed resident to the end of the run. A thread's
 * heap goes away with the thread. Errors come back as they were thrown: a bad file is an
 * InputError with its one-line fix.
 */
export function startSnapshotLoader(): SnapshotLoader {
  const worker = startWorkerThread('snapshot-load-worker')
  // An error or exit before load() is called is reported by load(); until then it must not be unhandled.
  let early: Error | undefined
  const onEarlyError = (err: Error): void => void (early ??= err)
  const onEarlyExit = (code: number): void => void (early ??= new Error(`the snapshot loading thread stopped (exit ${code}) before it was asked`))
  worker.on('error', onEarlyError)
  worker.on('exit', onEarlyExit)
  let closed: Promise<void> | null = null
  const close = (): Promise<void> => (closed ??= worker.terminate().then(() => undefined))
  return {
    close,
    async load(request) {
      try {
        if (early) throw early
        worker.off('error', onEarlyError)
        worker.off('exit', onEarlyExit)
        const reply = await new Promise<SnapshotLoadReply>((resolve, reject) => {
          worker.once('message', resolve)
          worker.once('error', reject)
          worker.once('exit', (code) => reject(new Error(`the snapshot loading thread stopped (exit ${code}) before it answered`)))
          worker.postMessage(request satisfies SnapshotLoadRequest)
        })
        if (!reply.ok) {
          const err = reply.input ? new InputError(reply.message, reply.fix) : new Error(reply.message)
          if (reply.stack !== undefined) err.stack = reply.stack
          throw err
        }
        return {snapshot: reply.snapshot, podCount: reply.podCount, classes: reply.classes}
      } finally {
        await close()
      }
    },
  }
}
