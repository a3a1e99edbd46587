import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {makeCa, makeServerCerts} from './certs.js'
import {listen, type FaultOptions, type ServerStats, type TokenBehaviour} from './server.js'
import type {PodBehaviour, PodStore} from './pods.js'
import {makeWorld, type World, type WorldOptions} from './world.js'

export type {FaultOptions, PodBehaviour, PoolSpec, ServerStats, TokenBehaviour, WorldOptions}
export {DEFAULT_POOLS, makeWorld} from './world.js'
import type {PoolSpec} from './world.js'

/**
 * A fake Kubernetes API server for tests: HTTPS with its own CA, bearer tokens (401 for unknown
 * ones), RBAC denials (403), `limit`/`continue` paging, expiring continue tokens (410), 429 with
 * Retry-After, 5xx, slow and hanging responses, node proxy metrics, and a generated cluster
 * (see world.ts). Pods can be created, read and deleted (pods.ts), and exec'd into over the
 * WebSocket exec protocol with this machine as the node (exec.ts). kubectl talks to it
 * (test/cluster/kubectl.test.ts, test/cluster/kubectl-exec.test.ts).
 *
 * @example
 * const api = await startTestApiServer({cluster: {podsPerNode: 30}, faults: {expireContinue: [2]}})
 * // densityplan collect --kubeconfig api.kubeconfigPath ...
 * await api.close()
 */
export interface TestApiServerOptions {
  cluster?: WorldOptions
  /** Bearer tokens the server knows. Default: {'good-token': {}}. */
  tokens?: Record<string, TokenBehaviour>
  /** The token written into kubeconfigPath. Default: the first of `tokens`. */
  token?: string
  faults?: FaultOptions
  version?: string
  /** Service proxy targets: `NAMESPACE/[SCHEME:]NAME:PORT` → plain-http base URL. */
  services?: Record<string, string>
  /** How pods created through the API start (see pods.ts). */
  pods?: PodBehaviour
}

export interface KubeconfigVariant {
  token?: string
  /** PEM file of the CA the client should trust (default: the server's CA). */
  caPath?: string
  server?: string
  contextName?: string
  namespace?: string
}

export interface TestApiServer {
  url: string
  kubeconfigPath: string
  /** A temp dir removed by close(); put test outputs here. */
  dir: string
  world: World
  stats: ServerStats
  /** Pods created through the API (POST) that still exist, and all ever created. */
  pods: PodStore
  /** Writes another kubeconfig (different token, CA, server or context name) and returns its path. */
  writeKubeconfig(variant: KubeconfigVariant, fileName?: string): string
  /** Path of a CA certificate that did NOT sign the server's certificate. */
  makeWrongCa(): string
  close(): Promise<void>
}

export function kubeconfigYaml(server: string, caPemBase64: string, token: string, contextName = 'test', namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${contextName}`,
    'clusters:',
    `- name: ${contextName}-cluster`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caPemBase64}`,
    'users:',
    `- name: ${contextName}-user`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${contextName}`,
    '  context:',
    `    cluster: ${contextName}-cluster`,
    `    user: ${contextName}-user`,
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    '',
  ].join('\n')
}

export async function startTestApiServer(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dp-k8s-'))
  const certs = makeServerCerts(dir)
  const tokens = opts.tokens ?? {'good-token': {}}
  const world = makeWorld(opts.cluster)
  const {server, port, stats, pods} = await listen(certs, world, tokens, opts.faults ?? {}, opts.version ?? 'v1.33.5', opts.services, opts.pods)
  const url = `https://127.0.0.1:${port}`
  const caB64 = Buffer.from(certs.caPem).toString('base64')
  const writeKubeconfig = (v: KubeconfigVariant, fileName = `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`): string => {
    const ca = v.caPath ? Buffer.from(readFileSync(v.caPath, 'utf8')).toString('base64') : caB64
    const path = join(dir, fileName)
    writeFileSync(path, kubeconfigYaml(v.server ?? url, ca, v.token ?? opts.token ?? Object.keys(tokens)[0]!, v.contextName, v.namespace))
    return path
  }
  const kubeconfigPath = writeKubeconfig({}, 'kubeconfig.yaml')
  return {
    url,
    kubeconfigPath,
    dir,
    world,
    stats,
    pods,
    writeKubeconfig,
    makeWrongCa: () => makeCa(dir, 'wrong-ca').caPath,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/**
 * The same server in a child process (`node --import tsx child.ts`), so a benchmark measures
 * only the collector's memory. Resolves once the child prints its address.
 */
export async function startTestApiServerProcess(opts: TestApiServerOptions = {}): Promise<{url: string; kubeconfigPath: string; close(): Promise<void>}> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child.ts'), JSON.stringify(opts)], {stdio: ['pipe', 'pipe', 'inherit']})
  const first = await new Promise<string>((resolve, reject) => {
    let buf = ''
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8')
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')))
    })
    child.once('exit', (code) => reject(new Error(`test API server process exited with ${code}`)))
  })
  const info = JSON.parse(first) as {url: string; kubeconfigPath: string}
  return {
    ...info,
    close: async () => {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.stdin.end()
      await done
    },
  }
}
