import type {ProcessGenerator} from '../engine.js'
import {containerLive, linear, runtimeOverhead, type ContainerTask, type SimNode} from '../node.js'

/**
 * An OPEN_TREE_NAMESPACE container start (crun >= 1.29 on Linux >= 7.0): pre-open the bind
 * sources (short detached clones), one write section copying only the rootfs subtree, then
 * move_mount each runtime mount. Nothing scales with M or T; the only RCU wait at start is the
 * cgroup2 mount's (rcu-sync.ts), which both paths share.
 */
export function* otnStart(node: SimNode, task: ContainerTask): ProcessGenerator<ContainerTask> {
  const {costs, sem, pod} = node
  yield runtimeOverhead(node)

  // 1. open_tree(OPEN_TREE_CLONE) of each bind source; new filesystems use fsmount (no namespace_sem).
  const binds = pod.runtimeBindMounts ?? pod.runtimeMounts
  yield sem.writeEach(task, binds, linear(costs.dclone, 1))

  // 2. create_new_namespace: the nullfs root inode lock first (OTN creators serialise there), then one write section.
  const inode = node.nullfsRootLock.acquire()
  if (inode !== null) yield inode
  yield sem.write(task, linear(costs.otn, pod.rootfsMounts))
  node.nullfsRootLock.release()

  // 2b. The runtime's cgroup2 mount (fsconfig CREATE → the same cgroup_get_tree) may wait for an RCU grace period (rcu-sync.ts).
  const cgroupSync = node.cgroupSync?.enterExit()
  if (cgroupSync) yield cgroupSync

  // 3. move_mount each pre-opened mount into the new namespace.
  yield sem.writeEach(task, pod.runtimeMounts, costs.moveAttach.ns)
  return containerLive(node, task)
}
