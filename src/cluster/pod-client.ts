import {PassThrough, Writable} from 'node:stream'
import type {V1Node, V1Pod, V1Status} from '@kubernetes/client-node'
import {loadKubeconfig, type KubeconfigChoice} from './kubeconfig.js'

/** One exec's output and exit code (from the status the API server sends on channel 3). */
export interface ExecResult {
  stdout: string
  stderr: string
  code: number
}

/**
 * The calls `calibrate --node` makes, and the only writes densityplan ever makes to a cluster
 * (docs/rbac-calibrate.yaml): create and delete one pod, and exec into it. Loads
 * @kubernetes/client-node lazily, like client.ts.
 */
export interface PodClient {
  server: string
  /** The kubeconfig context's namespace, or `default`. */
  defaultNamespace: string
  getNode(name: string): Promise<V1Node>
  listNodes(labelSelector: string): Promise<V1Node[]>
  createPod(namespace: string, pod: V1Pod): Promise<V1Pod>
  readPod(namespace: string, name: string): Promise<V1Pod>
  /** Deletes with grace period 0: the pod only sleeps, and nothing of it needs to be kept. */
  deletePod(namespace: string, name: string): Promise<void>
  /** GET /api/v1/nodes/{name}/proxy/metrics (the node's kubelet /metrics). */
  nodeMetrics(name: string): Promise<string>
  /**
   * Runs `command` in the pod's container through the exec API (WebSocket, v5/v4.channel.k8s.io),
   * with `stdin` written to it when given. Rejects when `signal` aborts (the socket is closed).
   */
  exec(p: {namespace: string; pod: string; container: string; command: string[]; stdin?: Buffer; timeoutMs: number; signal: AbortSignal}): Promise<ExecResult>
}

export async function connectPods(choice: KubeconfigChoice & {requestTimeoutMs: number}): Promise<PodClient> {
  const k8s = await import('@kubernetes/client-node')
  const {kc} = loadKubeconfig(k8s, choice)
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const exec = new k8s.Exec(kc)
  const timeout = {
    middleware: [
      {
        pre: (ctx: import('@kubernetes/client-node').RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(choice.requestTimeoutMs))
          return new k8s.Observable(Promise.resolve(ctx))
        },
        post: (res: import('@kubernetes/client-node').ResponseContext) => new k8s.Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  }
  return {
    server: kc.getCurrentCluster()?.server ?? '(unknown)',
    defaultNamespace: kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default',
    getNode: (name) => core.readNode({name}, timeout),
    listNodes: async (labelSelector) => (await core.listNode({labelSelector}, timeout)).items,
    createPod: (namespace, body) => core.createNamespacedPod({namespace, body}, timeout),
    readPod: (namespace, name) => core.readNamespacedPod({namespace, name}, timeout),
    deletePod: async (namespace, name) => {
      await core.deleteNamespacedPod({namespace, name, gracePeriodSeconds: 0}, timeout)
    },
    nodeMetrics: (name) => core.connectGetNodeProxyWithPath({name, path: 'metrics'}, timeout),
    exec: (p) => runExec(exec, p),
  }
}

type ExecApi = InstanceType<typeof import('@kubernetes/client-node').Exec>

/** Collects one exec's streams; settles once on the status frame, a socket close, abort or timeout. */
async function runExec(api: ExecApi, p: Parameters<PodClient['exec']>[0]): Promise<ExecResult> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const sink = (into: Buffer[]) =>
    new Writable({
      write: (chunk: Buffer, _enc, done) => {
        into.push(chunk)
        done()
      },
    })
  // stdin stays open until the status arrives: with v4.channel.k8s.io, client-node closes the
  // whole socket when stdin ends, which could cut the command off before it has read it all.
  const stdin = p.stdin ? new PassThrough() : null
  if (p.signal.aborted) throw abortReason(p.signal)
  let settle: ((r: ExecResult | Error) => void) | undefined
  const done = new Promise<ExecResult>((resolve, reject) => {
    let settled = false
    settle = (r) => {
      if (settled) return
      settled = true
      if (r instanceof Error) reject(r)
      else resolve(r)
    }
  })
  const finish = (status: V1Status): void => {
    stdin?.end()
    settle!({stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: exitCodeOf(status)})
  }
  const socket = await api.exec(p.namespace, p.pod, p.container, p.command, sink(out), sink(err), stdin, false, finish)
  const close = () => {
    try {
      socket.close()
    } catch {
      /* already closed */
    }
  }
  const onAbort = () => {
    settle!(abortReason(p.signal))
    close()
  }
  p.signal.addEventListener('abort', onAbort, {once: true})
  const timer = setTimeout(() => {
    settle!(new ExecTimeoutError(p.timeoutMs))
    close()
  }, p.timeoutMs)
  socket.addEventListener('close', () => setTimeout(() => settle!(new Error('the exec connection closed before the command reported its exit status')), 50))
  socket.addEventListener('error', (e) => settle!(new Error(`exec connection error: ${(e as {message?: string}).message ?? 'unknown'}`)))
  if (stdin && p.stdin) stdin.write(p.stdin)
  try {
    return await done
  } finally {
    clearTimeout(timer)
    p.signal.removeEventListener('abort', onAbort)
    close()
  }
}

export class ExecTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no exit status within ${Math.round(timeoutMs / 1000)} s`)
    this.name = 'ExecTimeoutError'
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'))
}

/**
 * The exit code in the exec status frame: `Success`, or `Failure` with reason NonZeroExitCode
 * and the code in details.causes[reason=ExitCode].message (how kubectl reads it too).
 */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')
  const code = Number(cause?.message)
  return Number.isInteger(code) && code > 0 ? code : 1
}
