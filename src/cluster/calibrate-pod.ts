import type {V1Pod} from '@kubernetes/client-node'
import {ClusterError} from '../errors/errors.js'
import {classify, toClusterError, type RequestWhat} from './failure.js'
import type {PodClient} from './pod-client.js'

export const CALIBRATE_CONTAINER = 'probe'
export const RBAC_FILE = 'docs/rbac-calibrate.yaml'

/**
 * The one pod `calibrate --node` creates, like `kubectl debug node/NAME --profile=sysadmin`:
 * pinned with spec.nodeName (no scheduler, so cordons and taints do not keep it off the node it
 * measures; tolerating everything keeps NoExecute taints from evicting it), privileged (the probe
 * creates mount namespaces and mounts), hostPID (/proc/1 is the node's init, so the node's own
 * mount table and /boot/config are readable through /proc/1/root). The container only sleeps;
 * the probe is streamed in through exec. activeDeadlineSeconds ends it if densityplan dies
 * without deleting it (SIGKILL, lost network); the pod object then stays, Failed, until deleted.
 */
export function calibratePodManifest(p: {node: string; image: string; namespace: string; deadlineSeconds: number}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'densityplan-calibrate-',
      namespace: p.namespace,
      labels: {'app.kubernetes.io/name': 'densityplan', 'app.kubernetes.io/component': 'calibrate'},
      annotations: {'densityplan.dev/purpose': `kernel cost calibration of node ${p.node}; deleted when the run ends`},
    },
    spec: {
      nodeName: p.node,
      hostPID: true,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      activeDeadlineSeconds: p.deadlineSeconds,
      tolerations: [{operator: 'Exists'}],
      containers: [
        {
          name: CALIBRATE_CONTAINER,
          image: p.image,
          command: ['sleep', String(p.deadlineSeconds)],
          securityContext: {privileged: true},
          stdin: false,
          tty: false,
        },
      ],
    },
  }
}

/** Waiting reasons that will not fix themselves within a calibration run. */
const STUCK = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
])

/**
 * Polls the pod until its container runs. Image pull failures and a Failed/Succeeded phase end
 * the wait at once; otherwise it gives up after `timeoutMs`, naming the last phase and reason.
 */
export async function waitForRunning(
  client: PodClient,
  p: {namespace: string; name: string; node: string; image: string; timeoutMs: number; signal: AbortSignal; pollMs?: number},
): Promise<V1Pod> {
  const deadline = Date.now() + p.timeoutMs
  let last: V1Pod | undefined
  for (;;) {
    p.signal.throwIfAborted()
    try {
      last = await client.readPod(p.namespace, p.name)
    } catch (err) {
      throw podRequestError(err, {verb: 'get', resource: 'pods', scope: `in namespace "${p.namespace}"`, server: client.server, rbacFile: RBAC_FILE})
    }
    const phase = last.status?.phase ?? 'Pending'
    const cs = last.status?.containerStatuses?.find((c) => c.name === CALIBRATE_CONTAINER)
    if (phase === 'Running' && cs?.state?.running) return last
    const waiting = cs?.state?.waiting
    if (waiting?.reason && STUCK.has(waiting.reason)) {
      const pull = /Image|Pull/.test(waiting.reason)
      throw new ClusterError(
        `the calibration pod on node ${p.node} cannot start: ${waiting.reason}${waiting.message ? ` (${oneLine(waiting.message)})` : ''}`,
        pull
          ? `pass --image with an image the node can pull (it needs sh, head, chmod and sleep; default busybox), or mirror it into a registry the node can reach`
          : 'check the pod spec the cluster accepts (admission policies for privileged/hostPID pods) with --debug',
      )
    }
    if (phase === 'Failed' || phase === 'Succeeded') {
      throw new ClusterError(
        `the calibration pod on node ${p.node} ended before the probe ran (phase ${phase}${last.status?.reason ? `, ${last.status.reason}` : ''}${last.status?.message ? `: ${oneLine(last.status.message)}` : ''})`,
        "check the node's kubelet and the pod events (kubectl describe pod) and retry",
      )
    }
    if (Date.now() >= deadline) {
      const cond = last.status?.conditions?.find((c) => c.status === 'False' && c.reason)
      const why = waiting?.reason ?? cond?.reason
      throw new ClusterError(
        `the calibration pod did not start on node ${p.node} within ${Math.round(p.timeoutMs / 1000)} s (phase ${phase}${why ? `, ${why}` : ''}${cond?.message ? `: ${oneLine(cond.message)}` : ''})`,
        'check that the node is Ready and its kubelet runs pods (kubectl get node), or raise --timeout',
      )
    }
    await sleep(p.pollMs ?? 500, p.signal)
  }
}

/**
 * Deletes the pod and waits (up to `timeoutMs`) until the API server no longer has it. A pod
 * that is already gone counts as deleted. Returns whether it is confirmed gone.
 */
export async function deleteAndConfirm(client: PodClient, namespace: string, name: string, timeoutMs = 30_000): Promise<boolean> {
  try {
    await client.deletePod(namespace, name)
  } catch (err) {
    const f = classify(err)
    if (!(f.kind === 'http' && f.status === 404))
      throw podRequestError(err, {verb: 'delete', resource: 'pods', scope: `in namespace "${namespace}"`, server: client.server, rbacFile: RBAC_FILE})
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await client.readPod(namespace, name)
    } catch (err) {
      const f = classify(err)
      if (f.kind === 'http' && f.status === 404) return true
    }
    if (Date.now() >= deadline) return false
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * A refused pod create: a namespace that does not exist (404) or Pod Security admission (403
 * "violates PodSecurity") get their own fix; RBAC and the rest go through podRequestError.
 */
export function createPodError(err: unknown, p: {namespace: string; server: string}): ClusterError {
  const f = classify(err)
  if (f.kind === 'http' && f.status === 404 && /namespaces? "[^"]*" not found/.test(f.message)) {
    return new ClusterError(
      `cannot create the calibration pod: namespace "${p.namespace}" does not exist`,
      `pass --namespace with an existing namespace, or create one (kubectl apply -f ${RBAC_FILE} creates "densityplan")`,
    )
  }
  if (f.kind === 'http' && f.status === 403 && /violates PodSecurity/.test(f.message)) {
    const policy = /violates PodSecurity "([^"]+)"/.exec(f.message)?.[1] ?? 'baseline'
    return new ClusterError(
      `namespace "${p.namespace}" refuses the calibration pod: Pod Security "${policy}" forbids privileged and hostPID pods (403)`,
      `use a namespace labelled pod-security.kubernetes.io/enforce=privileged with --namespace (${RBAC_FILE} creates "densityplan")`,
    )
  }
  return podRequestError(err, {verb: 'create', resource: 'pods', scope: `in namespace "${p.namespace}"`, server: p.server, rbacFile: RBAC_FILE})
}

/** A failed pod/node request as one ClusterError line naming the permission or the problem. */
export function podRequestError(err: unknown, what: RequestWhat): ClusterError {
  if (err instanceof ClusterError) return err
  return toClusterError(classify(err), what)
}

/**
 * The exec WebSocket failed to open. ws reports the HTTP answer of a refused upgrade only as
 * text (`Unexpected server response: 403`), so the status is read from there.
 */
export function execError(err: unknown, p: {namespace: string; server: string}): ClusterError {
  const message = (err as {message?: string})?.message ?? String(err)
  const status = Number(/Unexpected server response: (\d{3})/.exec(message)?.[1])
  if (status === 403)
    return new ClusterError(
      `cannot create pods/exec in namespace "${p.namespace}": forbidden (403)`,
      `grant create on pods/exec in that namespace (see ${RBAC_FILE})`,
    )
  if (status === 401)
    return new ClusterError(
      `cannot exec into the calibration pod: the API server at ${p.server} rejected the credentials (401 Unauthorized)`,
      'refresh the credentials of this context, or pick another with --kubeconfig/--context',
    )
  if (status)
    return new ClusterError(
      `cannot exec into the calibration pod: the API server answered ${status} to the WebSocket upgrade`,
      'the API server (or a proxy in front of it) must allow WebSocket exec (v5.channel.k8s.io / v4.channel.k8s.io); retry with --debug',
    )
  return new ClusterError(`cannot exec into the calibration pod: ${oneLine(message)}`, 'check the network path to the API server and retry with --debug')
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300)
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
