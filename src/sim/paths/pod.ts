import type {ProcessGenerator, Process} from '../engine.js'
import type {Sampler} from '../../model/distributions.js'
import {newTask, type ContainerTask, type SimNode} from '../node.js'
import {legacyStart} from './legacy.js'
import {otnStart} from './otn.js'
import {containerTeardown} from './teardown.js'
import {hostMount, hostUnmount} from './host-mounts.js'

/**
 * One OCI runtime start on the path the node picks; the container is live afterwards. It returns
 * the path's script itself rather than delegating to it: one `yield*` level less on every resume.
 */
export function startContainer(node: SimNode, name: string): ProcessGenerator<ContainerTask> {
  const task = newTask(name, node.env.now)
  if (node.choosePath() === 'legacy') {
    node.record.containerStarts.legacy++
    return legacyStart(node, task)
  }
  node.record.containerStarts.otn++
  return otnStart(node, task)
}

/** Records one container start: fork → runtime exit, and its namespace_sem wait and hold. */
export function recordStart(node: SimNode, task: ContainerTask): void {
  node.record.containerStartNs.push(node.env.now - task.startedNs)
  node.record.lockWaitNs.push(task.waitNs)
  node.record.lockHoldNs.push(task.holdNs)
}

/**
 * A bare container (`--no-pod`). With `teardownNow` it is `crun run /bin/true`: the runtime exits
 * only after the container exited and its namespace was torn down, so that is in the start.
 */
export function* bareContainer(node: SimNode, name: string, teardownNow: boolean, lifetime: Sampler | null): ProcessGenerator {
  const task = yield* startContainer(node, name)
  if (teardownNow) yield* containerTeardown(node, task)
  recordStart(node, task)
  if (!teardownNow && lifetime !== null) {
    yield node.env.timeout(lifetime())
    yield* containerTeardown(node, task)
  }
}

/**
 * A pod, as the kubelet and containerd drive it: non-mount overhead, the sandbox's host mounts
 * and pause container, init containers one after another (each runs and exits), then the app
 * containers in parallel, each after its rootfs overlay mount. The pod has started when all app
 * containers have. With a `lifetime`, the pod then runs that long and is removed: containers
 * tear down, host mounts go away.
 */
export function* podLifecycle(node: SimNode, id: number, overhead: Sampler | null, lifetime: Sampler | null): ProcessGenerator {
  const {env, pod} = node
  const createdNs = env.now
  const host = newTask(`pod${id}/host`, createdNs)
  if (overhead !== null) yield env.timeout(overhead())

  // Rootfs overlays are one host mount per (init or app) container; the rest belong to the sandbox.
  let rootfsLeft = Math.min(pod.hostMountsPerPod, pod.initContainers + pod.containers)
  for (let i = 0; i < pod.hostMountsPerPod - rootfsLeft; i++) yield* hostMount(node, host)
  const sandbox = yield* startContainer(node, `pod${id}/sandbox`)
  recordStart(node, sandbox)

  for (let i = 0; i < pod.initContainers; i++) {
    if (rootfsLeft > 0) {
      rootfsLeft--
      yield* hostMount(node, host)
    }
    const init = yield* startContainer(node, `pod${id}/init${i}`)
    recordStart(node, init)
    yield* containerTeardown(node, init)
  }

  const apps: Process<ContainerTask>[] = []
  for (let i = 0; i < pod.containers; i++) {
    const withRootfs = rootfsLeft > 0
    if (withRootfs) rootfsLeft--
    apps.push(env.process(appContainer(node, `pod${id}/c${i}`, withRootfs)))
  }
  const tasks: ContainerTask[] = []
  for (const p of apps) tasks.push((yield p) as ContainerTask)
  node.record.podStartNs.push(env.now - createdNs)

  if (lifetime === null) return
  const lifetimeNs = lifetime()
  if (lifetimeNs > 0) yield env.timeout(lifetimeNs)
  const exits = [sandbox, ...tasks].map((t) => env.process(containerTeardown(node, t)))
  for (const e of exits) yield e
  for (let i = 0; i < pod.hostMountsPerPod; i++) yield* hostUnmount(node, host)
}

function* appContainer(node: SimNode, name: string, withRootfs: boolean): ProcessGenerator<ContainerTask> {
  if (withRootfs) yield* hostMount(node, newTask(`${name}/overlay`, node.env.now))
  const task = yield* startContainer(node, name)
  recordStart(node, task)
  return task
}
