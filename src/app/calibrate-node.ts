import {existsSync, readFileSync} from 'node:fs'
import {arch} from 'node:os'
import {join} from 'node:path'
import type {V1Node} from '@kubernetes/client-node'
import {ClusterError, DensityplanError, InputError} from '../errors/errors.js'
import {CALIBRATE_CONTAINER, calibratePodManifest, createPodError, deleteAndConfirm, execError, waitForRunning} from '../cluster/calibrate-pod.js'
import type {KubeconfigChoice} from '../cluster/kubeconfig.js'
import {connectPods, ExecTimeoutError, type ExecResult, type PodClient} from '../cluster/pod-client.js'
import {ensureProbe, packageRoot, type ProbeChannel} from '../io/probe-runner.js'
import type {KernelModel} from '../model/schema.js'
import {assemble, majorMinor, measure, probeCaps, TOOL_VERSION, write} from './calibrate.js'
import {FACTS_SCRIPT, goArch, kubeletRuntime, parseFacts, type NodeFacts} from './calibrate-node-facts.js'
import {targets} from './calibrate-node-targets.js'
import type {Environment, Measurements} from '../model/calibrate-model.js'
import {costsOfRounds} from '../model/calibrate-rounds.js'
import {PLANS, type PlanName} from './calibrate-plan.js'
import {roundTo} from '../stats/round.js'

/** Default pod image: the smallest public image with a POSIX shell, head, chmod and sleep (the probe is static, so no libc is needed). */
export const DEFAULT_IMAGE = 'busybox:1.37.0'

/** Container mounts (k) assumed for a kubelet-started container: rootfs, proc, dev, dev/pts, mqueue, shm, sys, cgroup, hosts, hostname, resolv.conf, termination log, service-account token and a few volumes. */
const KUBELET_CONTAINER_MOUNTS = 16

/**
 * How long the pod may run once started, per round of the plan (activeDeadlineSeconds, on top of
 * --timeout): a full plan takes under 10 minutes on a 2-vCPU VM, so an hour a round is ample, and
 * a pod orphaned by a SIGKILLed densityplan does not sit privileged on the node for longer.
 */
const POD_LIFETIME_PER_ROUND_S = 3600

export interface CalibrateNodeOptions extends KubeconfigChoice {
  /** One node by name, or (exclusive) every distinct kind of node matching a label selector. */
  node?: string
  pool?: string
  namespace?: string
  image: string
  /** Model file (one node), or a directory for a pool (default models/). */
  out?: string
  outDir?: string
  plan: PlanName
  /** Measure the plan this many times on the node; costs are the rounds' medians (src/model/calibrate-rounds.ts). Default 1. */
  rounds?: number
  force: boolean
  hz?: number
  clock: 'cpu' | 'wall'
  /** How long the pod may take to run (image pull included). */
  startTimeoutMs: number
  requestTimeoutMs: number
  /** Each probe experiment's limit. */
  experimentTimeoutMs: number
  log: (line: string) => void
}

export interface CalibrateNodeResult {
  written: Array<{node: string; path: string; id: string; kernel: string; cpu: string; cores: number; runtimeOverhead: string; pod: string}>
  seconds: number
}

/** The interruption that ends a run: Ctrl-C (SIGINT, exit 130) or SIGTERM (exit 143), after the pod is deleted. */
export class InterruptedError extends DensityplanError {
  constructor(
    readonly signal: NodeJS.Signals,
    pod: string | undefined,
  ) {
    super('interrupted', `interrupted by ${signal}${pod ? `; the calibration pod ${pod} was deleted` : ''}`)
    this.name = 'InterruptedError'
  }

  override get exitCode(): number {
    return this.signal === 'SIGTERM' ? 143 : 130
  }
}

/**
 * Calibrates cluster nodes through the Kubernetes API: per node, one privileged pod pinned to it,
 * the static probe streamed in through exec, the same experiments as a local calibrate, the
 * model written with the node's provenance, and the pod deleted on success, on every error, and
 * on SIGINT/SIGTERM.
 */
export async function calibrateNodes(opts: CalibrateNodeOptions): Promise<CalibrateNodeResult> {
  const started = performance.now()
  const client = await connectPods({kubeconfig: opts.kubeconfig, context: opts.context, requestTimeoutMs: opts.requestTimeoutMs})
  const namespace = opts.namespace ?? client.defaultNamespace
  const nodes = await targets(client, opts)
  const probe = ensureProbe(packageRoot(), {static: true})
  const outFor = (node: V1Node): string => opts.out ?? join(opts.outDir ?? 'models', `${fileStem(node)}.json`)
  for (const node of nodes) {
    const nodeArch = node.status?.nodeInfo?.architecture
    if (nodeArch && nodeArch !== goArch(arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch())) {
      throw new InputError(
        `node ${node.metadata?.name} is ${nodeArch}, but this machine builds ${arch()} binaries for the probe`,
        `run calibrate --node from a ${nodeArch} machine, or set CC to a ${nodeArch} cross compiler and delete native/build/`,
      )
    }
    const out = outFor(node)
    if (existsSync(out) && !opts.force)
      throw new InputError(`${out} already exists`, 'pass --force to overwrite it, or choose another path with --out/--out-dir')
  }
  const abort = new AbortController()
  let current: string | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) return opts.log(`${signal} again: still deleting the calibration pod ${current ?? ''}`)
    opts.log(`${signal}: stopping and deleting the calibration pod ${current ?? ''}`.trim())
    abort.abort(new InterruptedError(signal, current))
  }
  const onInt = () => onSignal('SIGINT')
  const onTerm = () => onSignal('SIGTERM')
  // A throw inside a socket callback (client-node's exec handler rejects frames it does not
  // know) would otherwise end the process with the pod still on the node: turn it into an
  // abort, so the run fails through the same cleanup.
  const onCrash = (err: unknown) => {
    opts.log(`internal error during the run (${(err as Error)?.message ?? String(err)}): deleting the calibration pod ${current ?? ''}`.trim())
    if (!abort.signal.aborted) abort.abort(err instanceof Error ? err : new Error(String(err)))
  }
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  try {
    const written: CalibrateNodeResult['written'] = []
    for (const node of nodes) {
      written.push(await calibrateOne(client, node, {...opts, namespace, probe, out: outFor(node)}, abort.signal, (pod) => (current = pod)))
    }
    return {written, seconds: roundTo((performance.now() - started) / 1000, 1)}
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
  }
}

function fileStem(node: V1Node): string {
  const name = (node.metadata?.name ?? 'node').toLowerCase().replace(/[^a-z0-9.-]/g, '-')
  return `node-${name}-linux-${majorMinor(node.status?.nodeInfo?.kernelVersion ?? 'unknown')}-legacy`
}

interface OneOptions extends CalibrateNodeOptions {
  namespace: string
  probe: string
  out: string
}

async function calibrateOne(
  client: PodClient,
  node: V1Node,
  opts: OneOptions,
  signal: AbortSignal,
  setCurrent: (pod: string | undefined) => void,
): Promise<CalibrateNodeResult['written'][number]> {
  const nodeName = node.metadata!.name!
  const plan = PLANS[opts.plan]
  const manifest = calibratePodManifest({
    node: nodeName,
    image: opts.image,
    namespace: opts.namespace,
    deadlineSeconds: Math.ceil(opts.startTimeoutMs / 1000) + POD_LIFETIME_PER_ROUND_S * (opts.rounds ?? 1),
  })
  let podName: string
  try {
    podName = (await client.createPod(opts.namespace, manifest)).metadata!.name!
  } catch (err) {
    throw createPodError(err, {namespace: opts.namespace, server: client.server})
  }
  setCurrent(`${opts.namespace}/${podName}`)
  opts.log(`created pod ${opts.namespace}/${podName} on node ${nodeName} (image ${opts.image})`)
  const dir = `/tmp/${podName}`
  const exec = async (command: string[], timeoutMs: number, stdin?: Buffer): Promise<ExecResult> => {
    try {
      return await client.exec({namespace: opts.namespace, pod: podName, container: CALIBRATE_CONTAINER, command, timeoutMs, signal, ...(stdin ? {stdin} : {})})
    } catch (err) {
      if (signal.aborted) throw signal.reason
      if (err instanceof ExecTimeoutError)
        throw new ClusterError(
          `the probe in pod ${opts.namespace}/${podName} on node ${nodeName} gave no result within ${Math.round(err.timeoutMs / 1000)} s (${command.slice(1, 2).join(' ') || command[0]})`,
          'the node may be overloaded or the connection lost; retry, or use --quick',
        )
      throw execError(err, {namespace: opts.namespace, server: client.server})
    }
  }
  let outcome: {ok: true; value: CalibrateNodeResult['written'][number]} | {ok: false; error: unknown}
  try {
    await waitForRunning(client, {namespace: opts.namespace, name: podName, node: nodeName, image: opts.image, timeoutMs: opts.startTimeoutMs, signal})
    const bytes = readFileSync(opts.probe)
    const upload = await exec(['sh', '-c', `mkdir -p ${dir} && head -c ${bytes.length} > ${dir}/dp-probe && chmod 700 ${dir}/dp-probe`], 120_000, bytes)
    if (upload.code !== 0)
      throw new ClusterError(
        `could not copy the probe into pod ${opts.namespace}/${podName}: ${lastLine(upload.stderr) || `exit ${upload.code}`}`,
        `use an --image with sh, head and chmod and a writable /tmp (default ${DEFAULT_IMAGE})`,
      )
    opts.log(`streamed the static probe (${bytes.length} bytes) into ${dir}/dp-probe`)
    const factsBefore = await facts(exec)
    const hz = opts.hz ?? factsBefore.hz
    if (hz === undefined)
      throw new InputError(
        `cannot read CONFIG_HZ of node ${nodeName} (no /boot/config-${factsBefore.release} on the node, no /proc/config.gz)`,
        "pass --hz N (the kernel's CONFIG_HZ, e.g. 250 or 1000)",
      )
    const channel: ProbeChannel = {
      where: `node ${nodeName} (pod ${opts.namespace}/${podName})`,
      // --experiment-timeout, not runProbe's local default: a node may be slower than this machine.
      run: (args) => exec([`${dir}/dp-probe`, ...args], opts.experimentTimeoutMs),
    }
    const otnSupported = await probeCaps(channel, factsBefore.release, opts.log)
    const roundCount = opts.rounds ?? 1
    const rounds: Measurements[] = []
    for (let i = 0; i < roundCount; i++) {
      if (roundCount > 1) opts.log(`round ${i + 1} of ${roundCount}`)
      rounds.push(await measure(channel, plan, {clock: opts.clock, cores: factsBefore.cores, log: opts.log}))
    }
    const factsAfter = await facts(exec)
    const kubelet = await kubeletRuntime(client, nodeName, opts.log)
    const runtime = 'startNs' in kubelet ? kubelet : null
    const pivots = rounds.flatMap((r) => r.pivot)
    const threads = pivots.length ? Math.round(Math.min(...pivots.map((p) => p.x))) : 0
    // Every round gets it: each round's fit subtracts the modelled steps from the same kubelet starts.
    if (runtime)
      for (const r of rounds)
        r.kubeletRuntime = {
          startNs: runtime.startNs,
          mounts: factsBefore.mounts,
          threads,
          containerMounts: KUBELET_CONTAINER_MOUNTS,
          source: runtime.source,
          command: `GET /api/v1/nodes/${nodeName}/proxy/metrics (kubelet_runtime_operations_duration_seconds)`,
        }
    const info = node.status?.nodeInfo
    const env: Environment = {
      release: factsBefore.release,
      clock: opts.clock,
      otnSupported,
      hz,
      cpu: factsBefore.cpu,
      cores: factsBefore.cores,
      date: new Date().toISOString(),
      tool: `densityplan calibrate ${TOOL_VERSION} --node ${nodeName}${opts.plan === 'full' ? '' : opts.plan === 'quick' ? ' --quick' : ` --plan ${opts.plan}`}${roundCount > 1 ? ` --rounds ${roundCount}` : ''}${opts.clock === 'wall' ? ' --clock wall' : ''}`,
      loadNotes: [
        `measured on cluster node ${nodeName} (kubelet ${info?.kubeletVersion ?? 'unknown'}, ${info?.containerRuntimeVersion ?? 'unknown runtime'}, ${info?.osImage ?? 'unknown OS'}) from a privileged hostPID pod (${opts.image}) through the Kubernetes exec API; the probe ran inside the pod's container, which is on the node's kernel`,
        `node load average (1/5/15 min) before ${factsBefore.loadavg}, after ${factsAfter.loadavg}: other pods keep running during the measurement, so every point is repeated and fits go through per-input medians`,
        ...(info?.kernelVersion && info.kernelVersion !== factsBefore.release
          ? [`the Node object reports kernelVersion ${info.kernelVersion}, uname -r in the pod said ${factsBefore.release}; the measured kernel is the latter`]
          : []),
      ],
      node: {
        name: nodeName,
        kubeletVersion: info?.kubeletVersion ?? 'unknown',
        containerRuntimeVersion: info?.containerRuntimeVersion ?? 'unknown',
        osImage: info?.osImage ?? 'unknown',
        architecture: info?.architecture ?? goArch(factsBefore.machine),
        image: opts.image,
        runtimeOverhead: runtime ? 'kubelet-runtime-operations' : 'node-fork-exec',
      },
    }
    const {m, costs, notes} = costsOfRounds(rounds)
    if (!runtime)
      notes.push(
        `forkExecOverhead: the node's kubelet runtime-operation histograms were not readable (${'whyNot' in kubelet ? kubelet.whyNot : ''}), so fork + execve(/bin/true) + waitpid measured on the node stands in`,
      )
    const model: KernelModel = assemble(m, env, costs, notes, otnSupported ? 'otn' : 'legacy', undefined)
    model.id = `node-${nodeName.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}-linux-${majorMinor(env.release)}-${model.path}`
    await write(opts.out, model, opts.force)
    opts.log(`wrote ${opts.out}`)
    outcome = {
      ok: true,
      value: {
        node: nodeName,
        path: opts.out,
        id: model.id,
        kernel: env.release,
        cpu: env.cpu,
        cores: env.cores,
        runtimeOverhead: env.node!.runtimeOverhead,
        pod: `${opts.namespace}/${podName}`,
      },
    }
  } catch (error) {
    outcome = {ok: false, error}
  }
  // Cleanup runs after success, every error and an interruption alike. The probe file lives in
  // the container's /tmp and goes with the pod; removing it first matters only where "the node"
  // is not a container (the test API server runs exec on its own machine).
  if (!signal.aborted) await exec(['rm', '-rf', dir], 30_000).catch(() => undefined)
  let deleteError: unknown
  try {
    const gone = await deleteAndConfirm(client, opts.namespace, podName)
    opts.log(gone ? `deleted pod ${opts.namespace}/${podName}` : `warning: pod ${opts.namespace}/${podName} is still terminating`)
  } catch (err) {
    deleteError = err
    opts.log(
      `warning: could not delete pod ${opts.namespace}/${podName}: ${(err as Error).message}; delete it with kubectl delete pod -n ${opts.namespace} ${podName}`,
    )
  }
  setCurrent(undefined)
  // The run's own failure comes first; a failed delete after a good run is an error too.
  if (!outcome.ok) throw outcome.error
  if (deleteError) throw deleteError
  return outcome.value
}

async function facts(exec: (command: string[], timeoutMs: number) => Promise<ExecResult>): Promise<NodeFacts> {
  const r = await exec(['sh', '-c', FACTS_SCRIPT], 60_000)
  if (r.code !== 0)
    throw new ClusterError(
      `could not read the node's kernel and CPU from the calibration pod: ${lastLine(r.stderr) || `exit ${r.code}`}`,
      `use an --image with a POSIX shell, grep, sed, cut and wc (default ${DEFAULT_IMAGE})`,
    )
  return parseFacts(r.stdout)
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.trim() ?? ''
}
