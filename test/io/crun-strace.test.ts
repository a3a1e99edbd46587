import {describe, expect, it} from 'vitest'
import {countStraceOfProcess, crunMountCalls, DOCUMENTED_CRUN_CALLS} from '../../src/io/crun-strace.js'

// A container process's trace in the shape `strace -ff -s 64` writes (one file per process),
// written for this test: the steps crun 1.8 takes, shortened.
const child = [
  'openat(AT_FDCWD, "/proc/mounts", O_RDONLY|O_CLOEXEC) = 3',
  'read(3, "/dev/vda / ext4 rw 0 0\\n"..., 4096) = 4096',
  'read(3, "tmpfs /", 7) = 7',
  'read(3, "", 4096) = 0',
  'close(3) = 0',
  'read(3, "not the table", 10) = 10',
  'mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0',
  'mount(NULL, "/tmp/b/rootfs", NULL, MS_PRIVATE, NULL) = -1 EINVAL (Invalid argument)',
  'mount("/tmp/b/rootfs", "/tmp/b/rootfs", NULL, MS_BIND|MS_REC, NULL) = 0',
  'mount(NULL, "/tmp/b/rootfs", NULL, MS_REC|MS_PRIVATE, NULL) = 0',
  'mount("tmpfs", "/proc/self/fd/6", "tmpfs", MS_NOSUID|MS_STRICTATIME, "mode=755,size=65536k") = 0',
  'mount("proc", "/proc/self/fd/6", "proc", 0, NULL) = 0',
  'mount(NULL, "/proc/self/fd/9", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL) = 0',
  'pivot_root(".", ".") = 0',
  'mount(NULL, ".", NULL, MS_REC|MS_PRIVATE, NULL) = 0',
  'umount2(".", MNT_DETACH) = 0',
  'umount2(".", MNT_DETACH) = -1 EINVAL (Invalid argument)',
  'mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0',
].join('\n')
const parent = [
  'mount("/proc/self/exe", "/tmp/crun.x", 0x5600, MS_BIND, 0x5600) = 0',
  'mount("", "/tmp/crun.x", 0x5600, MS_RDONLY|MS_REMOUNT|MS_BIND, "") = 0',
  'umount2("/tmp/crun.x", MNT_DETACH) = 0',
].join('\n')

describe('counting a crun start from its strace', () => {
  it('counts the recursive propagation changes over the whole copy: "/" before pivot_root and the old root after it, not the rootfs or the new root', () => {
    expect(countStraceOfProcess(child).treePropagationChanges).toBe(2)
  })

  it('counts reads of the mount table only on its file descriptor, until it is closed', () => {
    const c = countStraceOfProcess(child)
    expect([c.mountTableOpens, c.mountTableReads]).toEqual([1, 3])
  })

  it('separates failed mount calls, remounts and unmounts other than the old-root detach', () => {
    const c = countStraceOfProcess(child)
    expect([c.mountCalls, c.failedMountCalls, c.remounts, c.otherUnmounts]).toEqual([8, 1, 1, 0])
    expect(countStraceOfProcess(parent).otherUnmounts).toBe(1)
  })

  it('gives the simulator the namespace_sem-taking mount calls minus the two tree passes and the rootfs bind', () => {
    const calls = crunMountCalls([countStraceOfProcess(parent), countStraceOfProcess(child)])
    // 10 successful calls - 2 remounts - 2 tree passes - 1 rootfs bind.
    expect(calls.runtimeMounts).toBe(5)
    expect(calls.source).toBe('strace')
  })

  it('keeps the documented fallback consistent with its own parts', () => {
    const d = DOCUMENTED_CRUN_CALLS
    expect(d.runtimeMounts).toBe(d.mountCalls - d.remounts - d.treePropagationChanges - 1)
  })
})
