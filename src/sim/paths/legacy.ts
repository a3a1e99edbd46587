import type {ProcessGenerator} from '../engine.js'
import {containerLive, linear, runtimeOverhead, threadsNow, type ContainerTask, type SimNode} from '../node.js'
import {readMountinfoLines} from './readers.js'

/**
 * A legacy container start (runc; crun < 1.29; any runtime before Linux 7.0): the runtime's
 * non-mount work, then namespace_sem write sections (copy, propagation change, attaches,
 * pivot_root, the second propagation change, the old-root detach) and read sections (the
 * runtime reading its own mount table), then the RCU grace period the old-root umount waits for
 * after the unlock. Steps and costs: docs/model.md "Legacy start"; the two steps a runtime adds on top
 * of the bare syscalls (2b, 4b) were counted with strace on crun 1.8.1 (docs/calibrate.md).
 */
export function* legacyStart(node: SimNode, task: ContainerTask): ProcessGenerator<ContainerTask> {
  const {costs, sem, state, pod} = node
  yield runtimeOverhead(node)

  // 1. clone/unshare(CLONE_NEWNS) → copy_mnt_ns copies the whole host table. From here to the
  //    umount the container holds a slave copy that every host mount change propagates into.
  let copiedMounts = 0
  let netAddedAtCopy = 0
  yield sem.write(task, () => {
    copiedMounts = state.hostMounts
    netAddedAtCopy = state.hostMountsNetAdded
    state.inFlightCopies++
    return linear(costs.copy, copiedMounts)
  })
  const copySize = (): number => Math.max(0, copiedMounts + state.hostMountsNetAdded - netAddedAtCopy)

  // 1b. The runtime reads its own namespace's mount table (crun: /proc/mounts; runc:
  //     /proc/self/mountinfo): seq_read → m_start takes namespace_sem for read once per ~4 KiB
  //     chunk, and the table it reads is the copy.
  const tableReads = pod.legacyMountTableReads ?? 1
  for (let i = 0; i < tableReads; i++) yield* readMountinfoLines(node, task, copySize())

  // 2. mount("/", MS_SLAVE|MS_REC) (crun: MS_PRIVATE|MS_REC): change_mnt_propagation over the copy.
  yield sem.write(task, () => linear(costs.chtype, copySize()))

  // 2b. The runtime's cgroup2 mount may first wait for an RCU grace period (rcu-sync.ts).
  const cgroupSync = node.cgroupSync?.enterExit()
  if (cgroupSync) yield cgroupSync

  // 3. rootfs bind + N_rt runtime mounts: a short write section each (superblocks are made before the lock).
  yield sem.writeEach(task, 1 + pod.runtimeMounts, costs.attach.ns)

  // 4. pivot_root: chroot_fs_refs walks every thread on the system.
  yield sem.write(task, () => linear(costs.pivot, threadsNow(state)))

  // 4b. mount(".", MS_REC|MS_PRIVATE/MS_SLAVE) on the old root, so its detach cannot propagate
  //     back: do_change_type → change_mnt_propagation over the whole copy again.
  if (pod.legacyOldRootRepropagation ?? true) yield sem.write(task, () => linear(costs.chtype, copySize()))

  // 5. umount2(old root, MNT_DETACH): umount_tree of the copy (plus what propagated into it).
  let detached = 0
  yield sem.write(task, () => {
    detached = copySize()
    state.inFlightCopies--
    return linear(costs.umount, detached)
  })
  // After namespace_unlock: synchronize_rcu_expedited, shared with concurrent callers.
  yield node.rcu.synchronize()
  // Then the detached mounts are released; thousands of them lengthen the next normal grace
  // period for tens of ms (rcu-sync.ts).
  node.cgroupSync?.noteDetach(detached)
  return containerLive(node, task)
}
