import type {KubeConfig} from '@kubernetes/client-node'
import {spawn} from 'node:child_process'
import {closeSync, existsSync, fstatSync, openSync, readSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {ClusterError} from '../errors/errors.js'

type ClientModule = typeof import('@kubernetes/client-node')

export interface KubeconfigChoice {
  /** --kubeconfig: one file (wins over KUBECONFIG, like kubectl). */
  kubeconfig?: string
  /** --context: must exist in the loaded config. */
  context?: string
  /** Kill an exec credential plugin that has not answered within this time (--request-timeout). */
  execTimeoutMs?: number
}

/** A kubeconfig with many contexts and inline certificates is well under 1 MB (docs/limits.md). */
export const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024

/** Where client-node (and kubectl) look for the in-cluster service-account token. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/**
 * Loads credentials the way kubectl does: `--kubeconfig FILE`, else `$KUBECONFIG` (several
 * files joined with `:`, merged, first wins), else `~/.kube/config`, else the in-cluster
 * service account when running as a pod. Exec credential plugins in `users[].user.exec` are run
 * by client-node on each request. No kubeconfig at all is an error, not a silent
 * `http://localhost:8080` (client-node's last resort).
 */
export function loadKubeconfig(k8s: ClientModule, choice: KubeconfigChoice): {kc: KubeConfig; source: string} {
  const kc = new k8s.KubeConfig()
  let source: string
  try {
    if (choice.kubeconfig) {
      if (!existsSync(choice.kubeconfig))
        throw new ClusterError(`kubeconfig ${choice.kubeconfig} does not exist`, 'pass the path of a kubeconfig file with --kubeconfig')
      loadFile(kc, choice.kubeconfig)
      source = choice.kubeconfig
    } else {
      loadDefault(k8s, kc)
      source = process.env['KUBECONFIG']
        ? `KUBECONFIG=${process.env['KUBECONFIG']}`
        : existsSync(SERVICE_ACCOUNT_TOKEN) && kc.getCurrentContext() === 'inClusterContext'
          ? 'in-cluster service account'
          : '~/.kube/config'
      if (kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080') {
        throw new ClusterError(
          'no kubeconfig found (no --kubeconfig, no $KUBECONFIG, no ~/.kube/config, not running in a pod)',
          'pass --kubeconfig FILE or set KUBECONFIG',
        )
      }
    }
  } catch (err) {
    if (err instanceof ClusterError) throw err
    const msg = (err as Error).message?.split('\n')[0] ?? String(err)
    throw new ClusterError(
      `cannot load the kubeconfig (${choice.kubeconfig ?? 'default locations'}): ${msg}`,
      'check that the file is a valid kubeconfig (kubectl config view)',
      {cause: err},
    )
  }
  if (choice.context) {
    if (!kc.getContextObject(choice.context)) {
      const known = kc.getContexts().map((c) => c.name)
      throw new ClusterError(
        `context "${choice.context}" not found in ${source}`,
        known.length ? `use one of: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
      )
    }
    kc.setCurrentContext(choice.context)
  }
  if (choice.execTimeoutMs !== undefined) boundExecPlugins(kc, choice.execTimeoutMs)
  if (!kc.getCurrentCluster()) {
    throw new ClusterError(`the kubeconfig (${source}) has no current context with a cluster`, 'pass --context NAME (kubectl config get-contexts lists them)')
  }
  return {kc, source}
}

/** client-node's loadFromFile, but reading at most MAX_KUBECONFIG_BYTES (not all of /dev/zero). */
function loadFile(kc: KubeConfig, file: string): void {
  kc.loadFromString(readKubeconfigText(file))
  kc.makePathsAbsolute(dirname(file))
}

/** client-node's loadFromDefault for files ($KUBECONFIG merged, first wins; ~/.kube/config), each read with the limit. */
function loadDefault(k8s: ClientModule, kc: KubeConfig): void {
  const files = (process.env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean)
  if (files.length) {
    loadFile(kc, files[0]!)
    for (const file of files.slice(1)) {
      const more = new k8s.KubeConfig()
      loadFile(more, file)
      kc.mergeConfig(more)
    }
    return
  }
  const home = join(homedir(), '.kube', 'config')
  if (existsSync(home)) loadFile(kc, home)
  else kc.loadFromDefault()
}

export function readKubeconfigText(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const info = fstatSync(fd)
    if (info.isDirectory()) throw new Error(`${file} is a directory`)
    const tooLarge = (): ClusterError =>
      new ClusterError(
        `kubeconfig ${file} is larger than ${MAX_KUBECONFIG_BYTES / 1024 / 1024} MiB, the limit for a kubeconfig`,
        'pass the path of a kubeconfig file (kubectl config view --raw --minify > FILE)',
      )
    if (info.isFile() && info.size > MAX_KUBECONFIG_BYTES) throw tooLarge()
    const buf = Buffer.alloc(MAX_KUBECONFIG_BYTES + 1)
    let n = 0
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null)
      if (r === 0) break
      n += r
      if (n > MAX_KUBECONFIG_BYTES) throw tooLarge()
    }
    return buf.toString('utf8', 0, n)
  } finally {
    closeSync(fd)
  }
}

/** What went wrong running an exec credential plugin; set on the error client-node rejects with, for classify() in failure.ts. */
export interface ExecPluginProblem {
  command: string
  problem: 'timeout' | 'missing' | 'failed'
  detail: string
}

/**
 * client-node runs `users[].user.exec` plugins with child_process.spawn and no time limit, so a
 * plugin waiting for an interactive login hung `collect` forever. Its ExecAuth takes the spawn
 * function as a field (execFn): this one kills the plugin after `timeoutMs`, and tags spawn
 * errors (a missing binary is ENOENT, which read as a network error) with `execPlugin`.
 * client-node keeps the last 'error' it saw and rejects with it when the process closes.
 */
/** Exec credential plugins running right now (their commands), so a request deadline can name the one it waited for. */
export const runningExecPlugins = new Set<string>()

function boundExecPlugins(kc: KubeConfig, timeoutMs: number): void {
  const auths = (kc as unknown as {authenticators?: Array<{execFn?: unknown}>}).authenticators ?? []
  for (const auth of auths) {
    if (typeof auth.execFn !== 'function') continue
    auth.execFn = (command: string, args: string[] | undefined, opts: object) => {
      const child = spawn(command, args ?? [], {...opts, stdio: ['ignore', 'pipe', 'pipe']})
      runningExecPlugins.add(command)
      const timer = setTimeout(() => {
        const problem: ExecPluginProblem = {command, problem: 'timeout', detail: `did not finish within ${timeoutMs} ms`}
        child.emit('error', Object.assign(new Error(`exec credential plugin ${command} ${problem.detail}`), {execPlugin: problem}))
        child.kill('SIGKILL')
      }, timeoutMs)
      // Registered before client-node's own listener, so the tag is on the object it keeps.
      child.on('error', (err: NodeJS.ErrnoException & {execPlugin?: ExecPluginProblem}) => {
        clearTimeout(timer)
        runningExecPlugins.delete(command)
        err.execPlugin ??= {command, problem: err.code === 'ENOENT' ? 'missing' : 'failed', detail: err.code ?? err.message}
      })
      child.once('close', () => {
        clearTimeout(timer)
        runningExecPlugins.delete(command)
      })
      return child
    }
  }
}
