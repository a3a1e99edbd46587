import type {MountinfoSummary} from '../domain/snapshot.js'

/**
 * Summarises a /proc/<pid>/mountinfo capture (proc(5)): one mount per line,
 * `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS`.
 * The optional fields carry propagation: `shared:N` (peer group), `master:N` (slave of N),
 * `unbindable`; none means private. A mount can be both shared and a slave.
 * Returns null and the first bad line number when the text is not mountinfo.
 */
/**
 * The key of the catch-all count. It holds a space, and mountinfo fields are space-separated, so
 * no real filesystem type (not even one named `other`) can collide with it.
 */
export const OTHER_FS_TYPES = '(other types)'

export function summariseMountinfo(node: string, text: string): {summary: MountinfoSummary} | {badLine: number; line: string} {
  const propagation = {shared: 0, slave: 0, private: 0, unbindable: 0}
  const fs = new Map<string, number>()
  let mounts = 0
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const fields = line.split(' ')
    const sep = fields.indexOf('-', 6)
    if (sep < 0 || fields.length < sep + 3 || !/^\d+$/.test(fields[0]!) || !/^\d+:\d+$/.test(fields[2]!)) return {badLine: i + 1, line: line.slice(0, 80)}
    mounts++
    const optional = fields.slice(6, sep)
    const shared = optional.some((f) => f.startsWith('shared:'))
    const slave = optional.some((f) => f.startsWith('master:'))
    if (shared) propagation.shared++
    if (slave) propagation.slave++
    if (optional.includes('unbindable')) propagation.unbindable++
    if (!shared && !slave && !optional.includes('unbindable')) propagation.private++
    const type = fields[sep + 1]!
    fs.set(type, (fs.get(type) ?? 0) + 1)
  }
  if (mounts === 0) return {badLine: 1, line: '(no mounts)'}
  // The 8 most common filesystem types by name order of count, the rest under OTHER_FS_TYPES.
  // Object.fromEntries defines own properties, so a type named `__proto__` stays a count.
  const sorted = [...fs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const entries: Array<[string, number]> = sorted.slice(0, 8)
  const rest = sorted.slice(8).reduce((n, [, c]) => n + c, 0)
  if (rest) entries.push([OTHER_FS_TYPES, rest])
  return {summary: {node, mounts, propagation, fsTypes: Object.fromEntries(entries)}}
}
