import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import type {MountinfoSummary} from '../domain/snapshot.js'
import {InputError} from '../errors/errors.js'
import {summariseMountinfo} from './mountinfo-parse.js'

/**
 * Reads `--mountinfo DIR`: one capture of the host's /proc/1/mountinfo per node, the file named
 * after the node (an optional `.mountinfo` or `.txt` suffix is ignored). See docs/collect.md for
 * the capture one-liner.
 */
export function readMountinfoDir(dir: string): MountinfoSummary[] {
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory')
    names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort()
  } catch {
    throw new InputError(`--mountinfo ${dir} is not a readable directory`, 'pass a directory holding one /proc/1/mountinfo capture per node, named after the node')
  }
  if (names.length === 0) throw new InputError(`--mountinfo ${dir} holds no captures`, 'capture one file per node (see docs/collect.md), named after the node')
  return names.map((file) => {
    const node = file.replace(/\.(mountinfo|txt)$/, '')
    const r = summariseMountinfo(node, readFileSync(join(dir, file), 'utf8'))
    if ('badLine' in r) throw new InputError(`${join(dir, file)}: line ${r.badLine} is not a mountinfo line: ${r.line}`, 'capture /proc/1/mountinfo from the node as-is (see docs/collect.md)')
    return r.summary
  })
}
