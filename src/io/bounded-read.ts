import {open, stat} from 'node:fs/promises'
import {InputError} from '../errors/errors.js'

/**
 * Size limits on every file densityplan reads, so `--model /dev/zero` or a symlink to it stops
 * with a message instead of eating memory. Each is far above any real file of its kind (see
 * docs/limits.md); snapshots, legitimately large, are streamed instead of read whole.
 */
export const MAX_INPUT_BYTES = {
  /** A 1,000,000-pod snapshot is ~730 MB (100-pod write chunks of ~73 KB, src/io/snapshot-file.ts). */
  snapshot: 1024 * 1024 * 1024,
  /** Results JSON: a few hundred KB per node class; 256 MiB is thousands of classes. */
  result: 256 * 1024 * 1024,
  /** A model file is a few KB, up to ~1 MB with raw points and empirical samples. */
  model: 16 * 1024 * 1024,
  /** A kubeconfig with many contexts and inline certificates is well under 1 MB. */
  kubeconfig: 16 * 1024 * 1024,
  /** 100,000 mounts (fs.mount-max) × ~300 bytes per line; 64 MiB leaves room for long paths. */
  mountinfo: 64 * 1024 * 1024,
  /** kubelet /metrics text is typically 0.1-2 MB. */
  metrics: 64 * 1024 * 1024,
} as const

export type InputKind = keyof typeof MAX_INPUT_BYTES

const CHUNK = 1024 * 1024

/** `N MiB` for messages. */
export function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`
}

/** The InputError for an input over its limit: names what, the path and the limit. */
export function tooLarge(what: string, path: string, limit: number): InputError {
  return new InputError(
    `${what} ${path} is larger than ${mib(limit)}, the limit for this kind of file`,
    `pass the right file (see docs/limits.md for the size limits)`,
  )
}

/**
 * Reads a whole file, but never more than `limit` bytes: a larger file (or an endless one such
 * as /dev/zero, a FIFO, a symlink to a device) is an InputError naming the path and the limit.
 * Errors from the file system (ENOENT, EISDIR, EACCES) are thrown as they are, for the caller
 * to word.
 */
export async function readBounded(path: string, limit: number, what: string): Promise<Buffer> {
  const info = await stat(path)
  if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {code: 'EISDIR'})
  if (info.isFile() && info.size > limit) throw tooLarge(what, path, limit)
  const fh = await open(path, 'r')
  try {
    const parts: Buffer[] = []
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK)
      const {bytesRead} = await fh.read(buf, 0, CHUNK, null)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > limit) throw tooLarge(what, path, limit)
      parts.push(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead))
    }
    return Buffer.concat(parts, total)
  } finally {
    await fh.close()
  }
}

/**
 * The chunks of a file as they are read, stopping with an InputError once more than `limit`
 * bytes came: for inputs parsed as a stream (snapshots), so no single string holds the file.
 */
export async function* streamBounded(path: string, limit: number, what: string): AsyncGenerator<Buffer> {
  const info = await stat(path)
  if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {code: 'EISDIR'})
  if (info.isFile() && info.size > limit) throw tooLarge(what, path, limit)
  const fh = await open(path, 'r')
  try {
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK)
      const {bytesRead} = await fh.read(buf, 0, CHUNK, null)
      if (bytesRead === 0) return
      total += bytesRead
      if (total > limit) throw tooLarge(what, path, limit)
      yield bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead)
    }
  } finally {
    await fh.close()
  }
}
