import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {InputError} from '../errors/errors.js'
import {crunRunCommand, type CrunBundle} from './crun-bundle.js'

/**
 * What one legacy `crun run` does to the mount table, counted from an strace of every process
 * it forks. The simulator charges: the copy, one read of the table, two recursive propagation
 * passes over the copy (before the mounts; on the old root after pivot_root), the rootfs bind,
 * N_rt runtime mounts, pivot_root and the old-root detach (src/sim/paths/legacy.ts).
 */
export interface CrunMountCalls {
  /** 'strace': counted in this run; 'documented': strace is missing, DOCUMENTED_CRUN_CALLS stands in. */
  source: 'strace' | 'documented'
  /** Successful mount(2) calls, in every process of the start. */
  mountCalls: number
  /** Of those, MS_REMOUNT: do_reconfigure_mnt/do_remount take sb->s_umount, not namespace_sem. */
  remounts: number
  /** Of those, recursive propagation changes over the whole tree: on "/" before pivot_root, on "." (the old root) after it. */
  treePropagationChanges: number
  /** mount(2) calls that failed (crun probes parents with MS_PRIVATE; do_change_type returns EINVAL before namespace_lock). */
  failedMountCalls: number
  /** Successful umount2(2) calls besides the old-root detach (crun's /proc/self/exe clone guard in the parent). */
  otherUnmounts: number
  /** read(2) calls on /proc/mounts or a mountinfo: each seq_file read that fills its buffer is one m_start/m_stop (namespace_sem read). */
  mountTableReads: number
  /** open calls of /proc/mounts or a mountinfo. */
  mountTableOpens: number
  /**
   * N_rt for the simulator: mount calls that take namespace_sem for write (successful, not a
   * remount), minus the two tree passes and the rootfs bind it charges separately.
   */
  runtimeMounts: number
}

/**
 * Counted with `strace -ff` on one `crun --cgroup-manager=disabled run` of the validate bundle
 * (crun 1.8.1, its default spec minus the network namespace, M=22): docs/calibrate.md.
 */
export const DOCUMENTED_CRUN_CALLS: CrunMountCalls = {
  source: 'documented',
  mountCalls: 39,
  remounts: 13,
  treePropagationChanges: 2,
  failedMountCalls: 3,
  otherUnmounts: 1,
  mountTableReads: 2,
  mountTableOpens: 1,
  runtimeMounts: 23,
}

const TABLE_PATH = /^"\/proc\/(?:(?:self|thread-self|\d+)\/)?(?:mounts|mountinfo)"$/
const STRING = String.raw`"(?:[^"\\]|\\.)*"`
const MOUNT_LINE = new RegExp(
  String.raw`^mount\((NULL|${STRING}|0x[0-9a-f]+), (NULL|${STRING}|0x[0-9a-f]+), (?:NULL|${STRING}|0x[0-9a-f]+), ([A-Z_0-9|x]+),.*\) += (-?\d+)`,
)
const UMOUNT_LINE = new RegExp(String.raw`^umount2\((${STRING}), [A-Z_0-9|x]+\) += (-?\d+)`)
const OPEN_LINE = new RegExp(String.raw`^open(?:at)?\((?:AT_FDCWD, |-?\d+, )?(${STRING}), .*\) += (-?\d+)`)
const FD_LINE = /^(read|close)\((\d+)[,)].* += (-?\d+)/
const PROPAGATION = /MS_(?:PRIVATE|SLAVE|SHARED|UNBINDABLE)/

/**
 * Counts one process's strace (`strace -ff -o base` writes one file per process, so no line is
 * split by another process's). Pure; used on every file of a start and summed.
 */
export function countStraceOfProcess(text: string): Omit<CrunMountCalls, 'source' | 'runtimeMounts'> {
  const counts = {mountCalls: 0, remounts: 0, treePropagationChanges: 0, failedMountCalls: 0, otherUnmounts: 0, mountTableReads: 0, mountTableOpens: 0}
  const tableFds = new Set<number>()
  let pivoted = false
  let oldRootDetached = false
  for (const line of text.split('\n')) {
    if (line.startsWith('pivot_root(') && / = 0$/.test(line)) {
      pivoted = true
      continue
    }
    const mount = MOUNT_LINE.exec(line)
    if (mount) {
      const [, , target, flags, result] = mount as unknown as [string, string, string, string, string]
      if (result !== '0') {
        counts.failedMountCalls++
        continue
      }
      counts.mountCalls++
      if (flags.includes('MS_REMOUNT')) counts.remounts++
      else if (flags.includes('MS_REC') && PROPAGATION.test(flags) && !flags.includes('MS_BIND')) {
        const overCopy = pivoted ? target === '"."' && !oldRootDetached : target === '"/"'
        if (overCopy) counts.treePropagationChanges++
      }
      continue
    }
    const umount = UMOUNT_LINE.exec(line)
    if (umount) {
      if (umount[2] !== '0') continue
      if (pivoted && umount[1] === '"."' && !oldRootDetached) oldRootDetached = true
      else counts.otherUnmounts++
      continue
    }
    const open = OPEN_LINE.exec(line)
    if (open) {
      const fd = Number(open[2])
      if (TABLE_PATH.test(open[1]!) && fd >= 0) {
        counts.mountTableOpens++
        tableFds.add(fd)
      }
      continue
    }
    const fdCall = FD_LINE.exec(line)
    if (fdCall) {
      const fd = Number(fdCall[2])
      if (!tableFds.has(fd)) continue
      if (fdCall[1] === 'read') counts.mountTableReads++
      else tableFds.delete(fd)
    }
  }
  return counts
}

/** Sums the per-process counts of one start and derives N_rt. */
export function crunMountCalls(perProcess: ReturnType<typeof countStraceOfProcess>[]): CrunMountCalls {
  const sum = {mountCalls: 0, remounts: 0, treePropagationChanges: 0, failedMountCalls: 0, otherUnmounts: 0, mountTableReads: 0, mountTableOpens: 0}
  for (const p of perProcess) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += p[k]
  const runtimeMounts = Math.max(0, sum.mountCalls - sum.remounts - sum.treePropagationChanges - 1)
  return {source: 'strace', ...sum, runtimeMounts}
}

/** True when strace can be run. */
export function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], {encoding: 'utf8'}).status === 0
}

/**
 * Straces one start of the bundle's /bin/true container in a throwaway private namespace set up
 * like the probe's run-load (pure cgroup2 at /sys/fs/cgroup, tmpfs on /run), and counts its
 * mount-table work. Without strace: DOCUMENTED_CRUN_CALLS. A start that fails under strace is an
 * error (the counts would be of a partial start).
 */
export function measureCrunMountCalls(bundle: CrunBundle): CrunMountCalls {
  if (!straceAvailable()) return DOCUMENTED_CRUN_CALLS
  const dir = mkdtempSync(join(tmpdir(), 'densityplan-strace-'))
  try {
    const cmd = crunRunCommand(bundle.dir)
      .map((a) => a.replace('{id}', 'strace'))
      .join(' ')
    const trace = `strace -ff -qq -s 64 -o ${join(dir, 'st')} -e trace=mount,umount2,pivot_root,open,openat,read,close`
    const script = `mount -t cgroup2 cgroup2 /sys/fs/cgroup && mount -t tmpfs tmpfs /run && exec ${trace} ${cmd}`
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {encoding: 'utf8'})
    if (r.status !== 0)
      throw new InputError(
        `a crun start under strace failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`,
        'run the same crun command under `strace -f` inside `unshare -m` to see the error, or uninstall strace to use the documented counts',
      )
    const files = readdirSync(dir).filter((f) => f.startsWith('st.'))
    return crunMountCalls(files.map((f) => countStraceOfProcess(readFileSync(join(dir, f), 'utf8'))))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
