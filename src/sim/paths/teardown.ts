import type {ProcessGenerator} from '../engine.js'
import {linear, type ContainerTask, type SimNode} from '../node.js'

/**
 * Container exit, both paths: put_mnt_ns → umount_tree of the container's k_c mounts under
 * namespace_sem write, then the RCU grace period after namespace_unlock.
 */
export function* containerTeardown(node: SimNode, task: ContainerTask): ProcessGenerator {
  node.state.liveContainers--
  yield node.sem.write(task, linear(node.costs.teardown, node.pod.containerMounts))
  yield node.rcu.synchronize()
}
