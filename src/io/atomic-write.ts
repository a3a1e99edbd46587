import {randomBytes} from 'node:crypto'
import {rmSync} from 'node:fs'
import {link, mkdir, open, rename, rm, stat, unlink, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {InputError} from '../errors/errors.js'

export interface AtomicWriteOptions {
  force?: boolean
  flagName?: string
}

/**
 * Writes a file so that readers see either the old content or the whole new one: write a temp
 * file in the same directory, fsync, then move it to the final name. Refuses to replace an
 * existing file unless `force` (nothing is overwritten without --force).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomicWith(path, (fh) => fh.writeFile(data), opts)
}

/**
 * The same guarantees for content produced piece by piece (a snapshot streamed pod by pod):
 * `fill` writes into the temp file's handle; the final name appears only if it succeeds.
 */
export async function writeFileAtomicWith(path: string, fill: (fh: FileHandle) => Promise<void>, opts: AtomicWriteOptions = {}): Promise<void> {
  const staged = await stageFile(path, fill, opts)
  await commitStaged([staged], opts)
}

/** A complete, fsynced temp file waiting to get its final name. */
export interface StagedFile {
  path: string
  tmp: string
}

/**
 * Checks the target and writes `fill` into a temp file next to it. Several staged files are
 * committed together (commitStaged), so a failure while producing one format leaves none.
 */
export async function stageFile(path: string, fill: (fh: FileHandle) => Promise<void>, opts: AtomicWriteOptions = {}): Promise<StagedFile> {
  await checkTarget(path, opts)
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await mkdir(dir, {recursive: true})
    liveTemps.add(tmp)
    armSignalCleanup()
    const fh = await open(tmp, 'wx', 0o644)
    try {
      await fill(fh)
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch (err) {
    await discard(tmp)
    throw asInputError(err, path)
  }
  return {path, tmp}
}

/**
 * Gives every staged file its final name. Without force each is an exclusive link (fails if the
 * name appeared meanwhile, so of two concurrent writers only one succeeds); with force a rename
 * over the old file. On any failure the files already committed by this call are removed again
 * and every temp file is deleted.
 */
export async function commitStaged(files: readonly StagedFile[], opts: AtomicWriteOptions = {}): Promise<void> {
  const done: string[] = []
  try {
    for (const f of files) {
      if (opts.force) {
        await checkTarget(f.path, opts)
        await rename(f.tmp, f.path)
        liveTemps.delete(f.tmp)
      } else {
        try {
          await link(f.tmp, f.path)
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          if (code === 'EEXIST') throw existsError(f.path, opts)
          // File systems without hard links (vfat, some FUSE): check, then rename.
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw err
          await checkTarget(f.path, opts)
          await rename(f.tmp, f.path)
        }
        done.push(f.path)
        await discard(f.tmp)
      }
    }
  } catch (err) {
    for (const p of done) await rm(p, {force: true})
    for (const f of files) await discard(f.tmp)
    throw asInputError(err, files[0]?.path ?? '')
  }
}

/** Deletes staged temp files without committing them. */
export async function discardStaged(files: readonly StagedFile[]): Promise<void> {
  for (const f of files) await discard(f.tmp)
}

/**
 * The output path must be non-empty, and whatever is at it now must be a regular file (only
 * with force) or nothing: `--out /dev/null --force` must not replace a device with a file.
 */
async function checkTarget(path: string, opts: AtomicWriteOptions): Promise<void> {
  if (path.trim() === '') throw new InputError('the output path is empty', 'pass a file name with --out, e.g. --out report.html')
  let info
  try {
    info = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return
    throw asInputError(err, path)
  }
  if (info.isDirectory()) throw new InputError(`${path} is a directory`, 'pass a file name with --out, e.g. --out DIR/report.html')
  if (!info.isFile())
    throw new InputError(
      `${path} is not a regular file (a device, FIFO or socket), so it is never replaced, even with --force`,
      'choose a file path with --out',
    )
  if (!opts.force) throw existsError(path, opts)
}

function existsError(path: string, opts: AtomicWriteOptions): InputError {
  return new InputError(`${path} already exists`, `pass ${opts.flagName ?? '--force'} to overwrite it, or choose another path with --out`)
}

/** File-system errors about the user's path are input errors (exit 2) naming the path and the fix. */
export function asInputError(err: unknown, path: string): unknown {
  if (err instanceof InputError) return err
  const code = (err as NodeJS.ErrnoException)?.code
  const fixes: Record<string, [string, string]> = {
    ENOSPC: ['the disk is full', 'free space on that file system or write elsewhere with --out'],
    EDQUOT: ['the disk quota is exceeded', 'free space or write elsewhere with --out'],
    EROFS: ['the file system is read-only', 'write to a writable directory with --out'],
    EACCES: ['permission denied', 'write to a directory you can write to with --out'],
    EPERM: ['operation not permitted', 'write to a directory you can write to with --out'],
    EISDIR: ['it is a directory', 'pass a file name with --out, e.g. --out DIR/report.html'],
    ENOENT: ['its directory cannot be created there', 'write to an existing, writable directory with --out'],
    ENOTDIR: ['a part of the path is not a directory', 'check the directories in the --out path'],
    ENAMETOOLONG: ['the name is too long', 'choose a shorter path with --out'],
    EEXIST: ['a file of that name appeared while writing', 'pass --force to overwrite it, or choose another path with --out'],
    EXDEV: ['the temp file and the target are on different file systems', 'write to a plain directory with --out'],
  }
  const known = code ? fixes[code] : undefined
  return known ? new InputError(`cannot write ${path}: ${known[0]} (${code})`, known[1], {cause: err}) : err
}

// Temp files that exist right now, removed if SIGINT/SIGTERM arrives while they do.
const liveTemps = new Set<string>()
let armed = false

async function discard(tmp: string): Promise<void> {
  liveTemps.delete(tmp)
  await unlink(tmp).catch(() => undefined)
}

/**
 * While a temp file exists, SIGINT/SIGTERM remove it before the process ends (a killed write
 * used to leave `.<name>.<hex>.tmp` behind). Exit codes are the shell's 128 + signal number.
 */
function armSignalCleanup(): void {
  if (armed) return
  armed = true
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const tmp of liveTemps) rmSync(tmp, {force: true})
    liveTemps.clear()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}
