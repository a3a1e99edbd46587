import {open, stat} from 'node:fs/promises'
import {parseChunked} from '@discoveryjs/json-ext'
import type {ClusterSnapshot} from '../domain/snapshot.js'
import {snapshotContradictions} from '../domain/snapshot-consistency.js'
import {parseSnapshot} from '../domain/snapshot-v1alpha1.js'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'
import {writeFileAtomicWith} from './atomic-write.js'
import {MAX_INPUT_BYTES, streamBounded} from './bounded-read.js'

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

/**
 * Reads and validates a snapshot; any problem is one line naming the file and the field. A file
 * beyond WHOLE_PARSE_MAX_BYTES is parsed as a stream of chunks (@discoveryjs/json-ext), so a
 * snapshot larger than V8's longest string (~512 MiB) loads, and reading stops at
 * MAX_INPUT_BYTES.snapshot.
 */
export async function readSnapshot(path: string, opts: {wholeParseMaxBytes?: number} = {}): Promise<ClusterSnapshot> {
  const fix = 'pass a file written by `densityplan collect --out FILE`'
  let raw: unknown
  try {
    raw = await parseSnapshotText(path, opts.wholeParseMaxBytes ?? WHOLE_PARSE_MAX_BYTES)
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `is not JSON (${(err as Error).message})`
    throw new InputError(`snapshot ${path} ${why}`, fix)
  }
  const parsed = parseSnapshot(raw)
  if (!parsed.success)
    throw new InputError(describeSchemaError(path, parsed.error), 'collect a new snapshot with this densityplan version (densityplan collect --out FILE)')
  const contradictions = snapshotContradictions(parsed.data)
  if (contradictions.length) {
    const more = contradictions.length > 1 ? ` (and ${contradictions.length - 1} more problem${contradictions.length > 2 ? 's' : ''})` : ''
    throw new InputError(
      `${path}: ${contradictions[0]}${more}`,
      'collect the snapshot again (nodes may have come and gone while collecting), or fix the file so every node is listed once and every pod is on a listed node',
    )
  }
  return parsed.data
}

/**
 * Regular files up to this size are read whole and parsed with JSON.parse, well under V8's
 * longest string: on the 5,000-node / 151,409-pod benchmark snapshot (122 MB) that is 1.2 CPU-s
 * against 2.2 CPU-s for the chunked parser, with the same peak RSS (measured 2026-11-30), and
 * it is time before any simulation can start.
 */
export const WHOLE_PARSE_MAX_BYTES = 256 * 1024 * 1024

async function parseSnapshotText(path: string, wholeMaxBytes: number): Promise<unknown> {
  const info = await stat(path)
  const text = info.isFile() && info.size <= wholeMaxBytes ? await readWhole(path, info.size) : null
  if (text !== null) {
    checkOpensObject(Buffer.from(text.slice(0, 4096)))
    return JSON.parse(text)
  }
  return parseChunked(() => startsAsObject(streamBounded(path, MAX_INPUT_BYTES.snapshot, 'snapshot')))
}

/**
 * The file as text, read into one buffer of its stat() size (no list of chunks to concatenate:
 * the buffer and the string are the only copies, and the buffer is garbage once decoded); null
 * when the file turns out longer than that (it grew since stat()), so the caller streams it.
 */
async function readWhole(path: string, size: number): Promise<string | null> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(size + 1)
    let total = 0
    for (;;) {
      const {bytesRead} = await fh.read(buf, total, buf.length - total, null)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > size) return null
    }
    return buf.toString('utf8', 0, total)
  } finally {
    await fh.close()
  }
}

/** Throws unless the first character that is not JSON whitespace opens an object; true once decided. */
function checkOpensObject(chunk: Buffer): boolean {
  let i = 0
  while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++
  if (i === chunk.length) return false
  if (chunk[i] !== 0x7b) throw new Error(`expected { at byte ${i}, found ${JSON.stringify(String.fromCharCode(chunk[i]!))}`)
  return true
}

/**
 * Passes chunks through, but fails on the first one unless the text opens a JSON object: the
 * chunked parser buffers text without structure (all of /dev/zero, up to the size limit)
 * before it can say it is not JSON.
 */
async function* startsAsObject(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let checked = false
  for await (const chunk of chunks) {
    if (!checked) checked = checkOpensObject(chunk)
    yield chunk
  }
}
