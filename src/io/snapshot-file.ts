import {readFileSync} from 'node:fs'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {parseSnapshot} from '../domain/snapshot-v1alpha1.js'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'
import {writeFileAtomicWith} from './atomic-write.js'

const PODS_PLACEHOLDER = '\u0000pods\u0000'
/**
 * Pods per write: ~70 KB strings stay in V8's young generation and die in the next scavenge;
 * 1,000 pods (~730 KB) went to large-object space and piled up until a full GC (+66 MB peak RSS
 * while writing 150,000 pods).
 */
const WRITE_CHUNK_PODS = 100

/**
 * Writes a snapshot atomically (io/atomic-write.ts: temp file, fsync, rename; refuses to
 * overwrite without force) but streams the pod array one pod per line, so 150,000 pods never
 * become one giant string. Same snapshot in → same bytes out.
 */
export async function writeSnapshot(path: string, snap: ClusterSnapshot, opts: {force?: boolean} = {}): Promise<number> {
  const [head, tail] = JSON.stringify({...snap, pods: PODS_PLACEHOLDER}).split(JSON.stringify(PODS_PLACEHOLDER)) as [string, string]
  let bytes = 0
  await writeFileAtomicWith(
    path,
    async (fh) => {
      const write = async (s: string): Promise<void> => {
        bytes += Buffer.byteLength(s)
        await fh.write(s)
      }
      await write(`${head}[`)
      for (let i = 0; i < snap.pods.length; i += WRITE_CHUNK_PODS) {
        const chunk = snap.pods.slice(i, i + WRITE_CHUNK_PODS).map((p) => JSON.stringify(p))
        await write(`${i ? ',' : ''}\n${chunk.join(',\n')}`)
      }
      await write(`${snap.pods.length ? '\n' : ''}]${tail}\n`)
    },
    opts,
  )
  return bytes
}

/** Reads and validates a snapshot; any problem is one line naming the file and the field. */
export function readSnapshot(path: string): ClusterSnapshot {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not JSON (${(err as Error).message})`
    throw new InputError(`snapshot ${path} ${why}`, 'pass a file written by `densityplan collect --out FILE`')
  }
  const parsed = parseSnapshot(raw)
  if (!parsed.success) throw new InputError(describeSchemaError(path, parsed.error), 'collect a new snapshot with this densityplan version (densityplan collect --out FILE)')
  return parsed.data
}
