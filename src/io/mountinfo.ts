import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import type {MountinfoSummary} from '../domain/snapshot.js'
import {InputError} from '../errors/errors.js'
import {MAX_MOUNTS_PER_NAMESPACE} from '../domain/limits.js'
import {MAX_INPUT_BYTES, readBounded} from './bounded-read.js'
import {summariseMountinfo} from './mountinfo-parse.js'

const CAPTURE_FIX = 'pass a directory holding one /proc/1/mountinfo capture per node, named after the node (see docs/collect.md)'

/** The node a capture file is for: its name without an optional `.mountinfo` or `.txt` suffix. */
export function captureNode(file: string): string {
  return file.replace(/\.(mountinfo|txt)$/, '')
}

/**
 * Reads `--mountinfo DIR`: one capture of the host's /proc/1/mountinfo per node, the file named
 * after the node (an optional `.mountinfo` or `.txt` suffix is ignored). See docs/collect.md for
 * the capture one-liner. Refused, each with exit 2 naming the path: a subdirectory, two files
 * for one node (`N` and `N.txt` would count that node twice), a file over
 * MAX_INPUT_BYTES.mountinfo (a symlink to /dev/zero), a capture with more mounts than the
 * kernel's fs.mount-max allows.
 */
export async function readMountinfoDir(dir: string): Promise<MountinfoSummary[]> {
  let names: string[]
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory')
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort()
  } catch {
    throw new InputError(`--mountinfo ${dir} is not a readable directory`, CAPTURE_FIX)
  }
  if (names.length === 0) throw new InputError(`--mountinfo ${dir} holds no captures`, 'capture one file per node (see docs/collect.md), named after the node')
  const byNode = new Map<string, string[]>()
  for (const file of names) byNode.set(captureNode(file), [...(byNode.get(captureNode(file)) ?? []), file])
  const twice = [...byNode.entries()].filter(([, files]) => files.length > 1)
  if (twice.length) {
    const [node, files] = twice[0]!
    throw new InputError(
      `--mountinfo ${dir} holds ${files.length} captures for node ${JSON.stringify(node)} (${files.join(', ')})${twice.length > 1 ? ` and duplicates for ${twice.length - 1} more node(s)` : ''}`,
      'keep one capture file per node',
    )
  }
  const out: MountinfoSummary[] = []
  for (const file of names) {
    const path = join(dir, file)
    let bytes: Buffer
    try {
      bytes = await readBounded(path, MAX_INPUT_BYTES.mountinfo, 'mountinfo capture')
    } catch (err) {
      if (err instanceof InputError) throw err
      const code = (err as NodeJS.ErrnoException).code
      throw new InputError(`--mountinfo ${path} ${code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`}`, CAPTURE_FIX)
    }
    const r = summariseMountinfo(captureNode(file), bytes.toString('utf8'))
    if ('badLine' in r)
      throw new InputError(
        `${path}: line ${r.badLine} is not a mountinfo line: ${r.line}`,
        'capture /proc/1/mountinfo from the node as-is (see docs/collect.md)',
      )
    if (r.summary.mounts > MAX_MOUNTS_PER_NAMESPACE) {
      throw new InputError(
        `${path}: ${r.summary.mounts} mounts is above the limit ${MAX_MOUNTS_PER_NAMESPACE} (the kernel default fs.mount-max per mount namespace; see docs/limits.md)`,
        'capture /proc/1/mountinfo of one node as-is; a file joined from several captures is not one node',
      )
    }
    out.push(r.summary)
  }
  return out
}
