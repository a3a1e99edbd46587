import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {NAMESPACES, type World} from './world.js'

/**
 * How created pods behave. A pod bound (spec.nodeName) to a node of the world starts Running
 * after `startDelayMs`, unless its node is in `stuckNodes` (Pending forever: a kubelet that never
 * picks it up) or its image is in `failingImages` (ErrImagePull, then ImagePullBackOff). A pod
 * for a node the world does not have stays Pending with PodScheduled=False/Unschedulable.
 */
export interface PodBehaviour {
  startDelayMs?: number
  stuckNodes?: string[]
  failingImages?: string[]
  /** Exec subprotocols accepted, in preference order (default v5, v4); ['v4.channel.k8s.io'] is an API server before 1.30. */
  execProtocols?: string[]
  /** Fault: every exec first sends one frame on this (unknown) channel, as a broken proxy might. */
  execJunkChannel?: number
  /** Namespaces that exist besides the world's (default: densityplan); creating elsewhere is 404. */
  extraNamespaces?: string[]
  /** Namespaces enforcing Pod Security "baseline": privileged or hostPID pods are refused (403). */
  baselineNamespaces?: string[]
}

export interface CreatedPod {
  obj: Record<string, unknown> & {
    metadata: Record<string, unknown> & {name: string; namespace: string}
    spec: {nodeName?: string; containers: Array<{name: string; image: string}>}
    status: Record<string, unknown>
  }
  /** Processes started by exec in this pod; killed when it is deleted, as a kubelet would. */
  children: Set<ChildProcess>
  timers: NodeJS.Timeout[]
}

/** Pods created through the API (POST), kept apart from the generated world's pods. */
export class PodStore {
  readonly pods = new Map<string, CreatedPod>()
  /** Every pod name ever created, in order (tests check none is left). */
  readonly created: string[] = []
  /** The spec of each pod in `created`, as it was posted (deleted pods' too). */
  readonly createdSpecs: Array<Record<string, unknown>> = []
  private rv = 900_000

  constructor(
    private readonly world: World,
    private readonly behaviour: PodBehaviour,
  ) {}

  get(namespace: string, name: string): CreatedPod | undefined {
    return this.pods.get(`${namespace}/${name}`)
  }

  list(namespace: string | null, name: string | null): CreatedPod[] {
    return [...this.pods.values()].filter((p) => (!namespace || p.obj.metadata.namespace === namespace) && (!name || p.obj.metadata.name === name))
  }

  /**
   * Validates and stores a pod; returns a Status (code, reason, message) when a real API server
   * would refuse it: unknown namespace (404), Pod Security baseline (403), invalid (422), taken (409).
   */
  create(namespace: string, body: unknown): CreatedPod | {code: number; reason: string; message: string} {
    const b = body as {
      kind?: string
      metadata?: {name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>}
      spec?: {nodeName?: string; hostPID?: boolean; containers?: Array<{name?: string; image?: string; securityContext?: {privileged?: boolean}}>}
    }
    if (![...NAMESPACES, ...(this.behaviour.extraNamespaces ?? ['densityplan'])].includes(namespace))
      return {code: 404, reason: 'NotFound', message: `namespaces "${namespace}" not found`}
    const invalid = this.invalid(namespace, b)
    if (invalid) return {code: 422, reason: 'Invalid', message: invalid}
    const name = b.metadata?.name ?? `${b.metadata!.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`
    if (this.get(namespace, name)) return {code: 409, reason: 'AlreadyExists', message: `pods "${name}" already exists`}
    if (this.behaviour.baselineNamespaces?.includes(namespace)) {
      const why = [
        ...(b.spec?.containers?.some((c) => c.securityContext?.privileged)
          ? [`privileged (container "${b.spec!.containers![0]!.name}" must not set securityContext.privileged=true)`]
          : []),
        ...(b.spec?.hostPID ? ['host namespaces (hostPID=true)'] : []),
      ]
      if (why.length) return {code: 403, reason: 'Forbidden', message: `pods "${name}" is forbidden: violates PodSecurity "baseline:latest": ${why.join(', ')}`}
    }
    return this.store(namespace, name, b)
  }

  private invalid(
    namespace: string,
    b: {kind?: string; metadata?: {name?: string; generateName?: string; namespace?: string}; spec?: {containers?: Array<{name?: string; image?: string}>}},
  ): string | null {
    if (b?.kind !== 'Pod') return 'the body is not a Pod'
    const containers = b.spec?.containers ?? []
    if (containers.length === 0 || containers.some((c) => !c.name || !c.image)) return 'Pod "" is invalid: spec.containers: Required value'
    if (b.metadata?.namespace && b.metadata.namespace !== namespace)
      return 'the namespace of the provided object does not match the namespace sent on the request'
    if (!b.metadata?.name && !b.metadata?.generateName) return 'Pod "" is invalid: metadata.name: Required value: name or generateName is required'
    return null
  }

  private store(namespace: string, name: string, b: {metadata?: object; spec?: object}): CreatedPod {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const obj = {
      ...(b as Record<string, unknown>),
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {...b.metadata, name, namespace, uid: `created-${randomBytes(8).toString('hex')}`, resourceVersion: String(++this.rv), creationTimestamp: now},
      spec: b.spec as CreatedPod['obj']['spec'],
      status: {phase: 'Pending', qosClass: 'BestEffort'} as Record<string, unknown>,
    }
    const pod: CreatedPod = {obj, children: new Set(), timers: []}
    this.pods.set(`${namespace}/${name}`, pod)
    this.created.push(`${namespace}/${name}`)
    this.createdSpecs.push({...(b.spec as Record<string, unknown>)})
    this.progress(pod)
    return pod
  }

  delete(namespace: string, name: string): CreatedPod | undefined {
    const pod = this.get(namespace, name)
    if (!pod) return undefined
    this.pods.delete(`${namespace}/${name}`)
    for (const t of pod.timers) clearTimeout(t)
    for (const child of pod.children) killGroup(child)
    pod.obj.metadata['deletionTimestamp'] = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    return pod
  }

  /** Kills every exec'd process (server shutdown). */
  closeAll(): void {
    for (const p of this.pods.values()) {
      for (const t of p.timers) clearTimeout(t)
      for (const c of p.children) killGroup(c)
    }
  }

  private progress(pod: CreatedPod): void {
    const node = pod.obj.spec.nodeName
    const c = pod.obj.spec.containers[0]!
    const known = node !== undefined && Array.from({length: this.world.nodeCount}, (_, k) => this.world.nodeName(k)).includes(node)
    const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const set = (status: Record<string, unknown>) => {
      pod.obj.status = status
      pod.obj.metadata['resourceVersion'] = String(++this.rv)
    }
    if (!known) {
      set({
        phase: 'Pending',
        qosClass: 'BestEffort',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: node ? `node "${node}" not found` : '0/1 nodes are available',
            lastTransitionTime: stamp(),
          },
        ],
      })
      return
    }
    const scheduled = {type: 'PodScheduled', status: 'True', lastTransitionTime: stamp()}
    const waiting = (reason: string, message?: string) => ({
      phase: 'Pending',
      qosClass: 'BestEffort',
      hostIP: '10.128.0.1',
      startTime: stamp(),
      conditions: [scheduled, {type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: stamp()}],
      containerStatuses: [
        {name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: {waiting: {reason, ...(message ? {message} : {})}}},
      ],
    })
    set(waiting('ContainerCreating'))
    if (this.behaviour.stuckNodes?.includes(node)) return
    const delay = this.behaviour.startDelayMs ?? 200
    if (this.behaviour.failingImages?.includes(c.image)) {
      pod.timers.push(setTimeout(() => set(waiting('ErrImagePull', `failed to pull and unpack image "${c.image}": not found`)), delay))
      pod.timers.push(setTimeout(() => set(waiting('ImagePullBackOff', `Back-off pulling image "${c.image}"`)), delay * 2))
      return
    }
    pod.timers.push(
      setTimeout(
        () =>
          set({
            phase: 'Running',
            qosClass: 'BestEffort',
            hostIP: '10.128.0.1',
            podIP: '10.0.0.99',
            startTime: stamp(),
            conditions: [scheduled, {type: 'Ready', status: 'True', lastTransitionTime: stamp()}],
            containerStatuses: [
              {
                name: c.name,
                image: c.image,
                imageID: `sha256:${'0'.repeat(64)}`,
                ready: true,
                restartCount: 0,
                started: true,
                state: {running: {startedAt: stamp()}},
              },
            ],
          }),
        delay,
      ),
    )
  }
}

/** SIGKILL to the whole process group (exec'd commands run detached, as their own group). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}
