import type {ProcessGenerator} from '../engine.js'
import {changeHostMounts, type ContainerTask, type SimNode} from '../node.js'

/**
 * A host-side mount by the kubelet or containerd (overlay rootfs, shm, netns bind, volume tmpfs):
 * one write section in the host namespace. propagate_mnt copies it into every in-flight legacy
 * slave copy, paid by the mounter under the lock: propPerPeer per copy.
 */
export function* hostMount(node: SimNode, task: ContainerTask): ProcessGenerator {
  const {costs, state} = node
  yield node.sem.write(task, () => {
    const peers = state.inFlightCopies
    changeHostMounts(state, +1)
    return Math.round(costs.attach.ns + costs.propPerPeer.ns * peers)
  })
  node.hostMountChanged.notify()
}

/** A host-side unmount at pod removal: umount_tree of one mount, propagated likewise. */
export function* hostUnmount(node: SimNode, task: ContainerTask): ProcessGenerator {
  const {costs, state} = node
  yield node.sem.write(task, () => {
    const peers = state.inFlightCopies
    changeHostMounts(state, -1)
    return Math.round(costs.umount.fixedNs + costs.umount.perUnitNs + costs.propPerPeer.ns * peers)
  })
  node.hostMountChanged.notify()
}
