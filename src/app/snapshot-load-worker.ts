import {parentPort} from 'node:worker_threads'
import {InputError} from '../errors/errors.js'
import {readSnapshot} from '../io/snapshot-file.js'
import {buildNodeClasses} from '../profile/node-classes.js'
import type {SnapshotLoadReply, SnapshotLoadRequest} from './snapshot-load.js'

/**
 * Worker thread for snapshot-load.ts: reads one snapshot file, builds its node classes, answers
 * once (the snapshot without its pods, their count, the classes) and ends, taking the parse's
 * garbage with it.
 */
const port = parentPort!
port.once('message', (request: SnapshotLoadRequest) => {
  void load(request).then((reply) => {
    port.postMessage(reply)
    port.close()
  })
})

async function load(request: SnapshotLoadRequest): Promise<SnapshotLoadReply> {
  try {
    const snapshot = await readSnapshot(request.path)
    const classes = buildNodeClasses(snapshot, request.ociRuntime ? {ociRuntime: request.ociRuntime} : {})
    return {ok: true, snapshot: {...snapshot, pods: []}, podCount: snapshot.pods.length, classes}
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    return {ok: false, input: err instanceof InputError, message: e.message, fix: err instanceof InputError ? err.fix : undefined, stack: e.stack}
  }
}
