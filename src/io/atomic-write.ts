import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, open, rename, rm, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {InputError} from '../errors/errors.js'

export interface AtomicWriteOptions {
  force?: boolean
  flagName?: string
}

/**
 * Writes a file so that readers see either the old content or the whole new one: write a temp
 * file in the same directory, fsync, rename over the target. Refuses to replace an existing file
 * unless `force` (nothing is overwritten without --force).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomicWith(path, (fh) => fh.writeFile(data), opts)
}

/**
 * The same guarantees for content produced piece by piece (a snapshot streamed pod by pod):
 * `fill` writes into the temp file's handle; the rename happens only if it succeeds.
 */
export async function writeFileAtomicWith(path: string, fill: (fh: FileHandle) => Promise<void>, opts: AtomicWriteOptions = {}): Promise<void> {
  if (!opts.force && existsSync(path)) {
    throw new InputError(`${path} already exists`, `pass ${opts.flagName ?? '--force'} to overwrite it, or choose another path with --out`)
  }
  const dir = dirname(path)
  await mkdir(dir, {recursive: true})
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const fh = await open(tmp, 'wx', 0o644)
    try {
      await fill(fh)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, {force: true})
    throw err
  }
}
