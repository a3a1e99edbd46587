import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {request} from 'node:https'
import {cpus} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'
import {KernelModelSchema} from '../../src/model/schema.js'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'

// `calibrate --node` end to end: the built CLI talks to the test API server, which runs every
// exec'd command on this machine as "the node", so the probe really measures this kernel. The
// probe creates mount namespaces and mounts: these tests need root (CI runs as root).
const root = join(import.meta.dirname, '..', '..')
const cli = join(root, 'bin', 'run.js')
const NODE = 'general-node-0001'

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the CLI without blocking this process (the API server lives here). `onStderr` may signal it. */
function runCli(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], {env: {...process.env, NO_COLOR: '1'}})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    onStderr?.(stderr, child)
  })
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr})))
}

/** GET from the API server with its CA, as any client would: the status code and body. */
function apiGet(api: TestApiServer, path: string, token = 'good-token'): Promise<{status: number; body: string}> {
  const url = new URL(path, api.url)
  const ca = readFileSync(join(api.dir, 'densityplan-test-ca.crt'))
  return new Promise((resolve, reject) => {
    const req = request(url, {ca, headers: {authorization: `Bearer ${token}`}}, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** `verb resource` grants of docs/rbac-calibrate.yaml (Role and ClusterRole). */
function rbacGrants(): Set<string> {
  const docs = parseAllDocuments(readFileSync(join(root, 'docs', 'rbac-calibrate.yaml'), 'utf8')).map(
    (d) => d.toJS() as {rules?: Array<{resources: string[]; verbs: string[]}>},
  )
  return new Set(docs.flatMap((d) => (d.rules ?? []).flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`)))))
}

/** The RBAC `verb resource` of one request line the server recorded (null for discovery). */
function rbacOf(line: string): string | null {
  const [method, path = ''] = line.split(' ')
  const p = path.split('?')[0]!
  if (/^\/(api|apis|version)$/.test(p) || p === '/api/v1') return null
  if (p.endsWith('/exec')) return 'create pods/exec'
  if (p.endsWith('/proxy/metrics')) return 'get nodes/proxy'
  if (/^\/api\/v1\/nodes\/[^/]+$/.test(p)) return 'get nodes'
  if (p === '/api/v1/nodes') return 'list nodes'
  if (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(p)) return method === 'POST' ? 'create pods' : 'list pods'
  if (/^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+$/.test(p)) return method === 'DELETE' ? 'delete pods' : 'get pods'
  return `${method} ${p}`
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error:'))

/** Every pod the run created is gone, by the server's own answer; returns their names. */
async function expectNoPodLeft(api: TestApiServer, token = 'good-token'): Promise<string[]> {
  for (const key of api.pods.created) {
    const [ns, name] = key.split('/') as [string, string]
    expect((await apiGet(api, `/api/v1/namespaces/${ns}/pods/${name}`, token)).status).toBe(404)
  }
  expect(api.pods.pods.size).toBe(0)
  return api.pods.created.map((k) => k.split('/')[1]!)
}

/** No process started through exec in these pods is still running on this machine. */
function expectNoProbeLeft(podNames: string[]): void {
  const left = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        return podNames.some((n) => cmd.includes(n))
      } catch {
        return false
      }
    })
  expect(left).toEqual([])
}

const cleanups: TestApiServer[] = []
async function server(opts: Parameters<typeof startTestApiServer>[0] = {}): Promise<TestApiServer> {
  const api = await startTestApiServer({pods: {startDelayMs: 100}, ...opts})
  cleanups.push(api)
  return api
}

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error(
      'calibrate --node tests run the probe (mount namespaces, mounts) on this machine as the node and must run as root (CI does): sudo npx vitest run test/calibrate/calibrate-node.test.ts',
    )
})
afterAll(async () => {
  for (const api of cleanups) {
    // The probe's directory lives in the pod's /tmp; here "the pod" is this machine.
    for (const key of api.pods.created) rmSync(`/tmp/${key.split('/')[1]}`, {recursive: true, force: true})
    await api.close()
  }
})

describe('densityplan calibrate --node through the Kubernetes API', () => {
  it('measures this machine as the node through exec and writes a model naming the node, kernel, CPU, cores, kubelet and runtime, leaving no pod', async () => {
    const api = await server()
    const out = join(api.dir, 'node-model.json')
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', out, '--json'])
    expect(errorLines(r.stderr)).toEqual([])
    expect(r.code).toBe(0)
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    const node = api.world.node(api.world.nodeCount > 1 ? 1 : 0) as {status: {nodeInfo: {kubeletVersion: string; containerRuntimeVersion: string}}}
    expect(model.provenance.node).toMatchObject({
      name: NODE,
      kubeletVersion: node.status.nodeInfo.kubeletVersion,
      containerRuntimeVersion: node.status.nodeInfo.containerRuntimeVersion,
      image: 'busybox:1.37.0',
      runtimeOverhead: 'kubelet-runtime-operations',
    })
    expect(model.provenance.kernel).toBe(spawnSync('uname', ['-r'], {encoding: 'utf8'}).stdout.trim())
    expect(model.provenance.cpu).toBe(/^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim())
    expect(model.provenance.cores).toBe(cpus().length)
    expect(model.provenance.tool).toContain(`--node ${NODE}`)
    expect(model.provenance.notes.join('\n')).toContain('kubelet_runtime_operations_duration_seconds')
    expect(model.costs.copy.source.samples).toBeGreaterThanOrEqual(15)
    expect(model.costs.cpuContention?.points).toHaveLength(cpus().length)
    // The probe ran through exec: every experiment was an upgrade request to the pod's exec.
    for (const exp of ['caps', 'legacy', 'pivot', 'tree', 'contention'])
      expect(api.stats.recent.some((l) => l.includes('/exec?') && l.includes(`command=${exp}&`))).toBe(true)
    const result = JSON.parse(r.stdout) as {written: Array<{path: string; node: string}>}
    expect(result.written).toEqual([expect.objectContaining({path: out, node: NODE})])
    expect(api.pods.created).toHaveLength(1)
    // Every request it made is granted by docs/rbac-calibrate.yaml, and it used every grant but --pool's list.
    const used = new Set(api.stats.recent.map(rbacOf).filter((g): g is string => g !== null))
    expect([...used].filter((g) => !rbacGrants().has(g))).toEqual([])
    expect([...rbacGrants()].filter((g) => !used.has(g))).toEqual(['list nodes'])
    expectNoProbeLeft(await expectNoPodLeft(api))
  }, 120_000)

  it("measures the plan --rounds times on the node in one pod, and takes the rounds' medians", async () => {
    const api = await server()
    const out = join(api.dir, 'rounds-model.json')
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--rounds', '2', '--out', out])
    expect(errorLines(r.stderr)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('round 2 of 2')
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(model.provenance.tool).toContain(`--node ${NODE} --plan smoke --rounds 2`)
    expect(model.costs.copy.spread?.method).toMatch(/2 calibrate rounds/)
    // Both rounds' raw points: the smoke plan times 3 table sizes 5 times a round.
    expect(model.provenance.rawPoints?.filter((p) => p.param === 'copy')).toHaveLength(2 * 15)
    expect(model.provenance.node?.runtimeOverhead).toBe('kubelet-runtime-operations')
    expect(api.pods.created).toHaveLength(1)
    // The pod's last-resort lifetime grows with the rounds: --timeout (300 s) + an hour a round.
    expect(api.pods.createdSpecs[0]!.activeDeadlineSeconds).toBe(300 + 2 * 3600)
    expectNoProbeLeft(await expectNoPodLeft(api))
  }, 120_000)

  it('calibrates one node of a pool whose nodes share kernel, instance type and cores, into --out-dir', async () => {
    const api = await server()
    const outDir = join(api.dir, 'models')
    const r = await runCli([
      'calibrate',
      '--pool',
      'cloud.google.com/gke-nodepool=general',
      '--kubeconfig',
      api.kubeconfigPath,
      '--plan',
      'smoke',
      '--out-dir',
      outDir,
      '--json',
    ])
    expect(errorLines(r.stderr)).toEqual([])
    expect(r.code).toBe(0)
    const written = (JSON.parse(r.stdout) as {written: Array<{node: string; path: string}>}).written
    expect(written.map((w) => w.node)).toEqual(['general-node-0000'])
    expect(readdirSync(outDir)).toEqual(['node-general-node-0000-linux-6.1-legacy.json'])
    expect(KernelModelSchema.parse(JSON.parse(readFileSync(written[0]!.path, 'utf8'))).provenance.node?.name).toBe('general-node-0000')
    expect(api.pods.created).toHaveLength(1)
    await expectNoPodLeft(api)
  }, 120_000)

  it('works the same with an API server that speaks only v4.channel.k8s.io exec (before Kubernetes 1.30)', async () => {
    const api = await server({pods: {startDelayMs: 100, execProtocols: ['v4.channel.k8s.io']}})
    const out = join(api.dir, 'v4-model.json')
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', out])
    expect(errorLines(r.stderr)).toEqual([])
    expect(r.code).toBe(0)
    expect(KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).provenance.node?.name).toBe(NODE)
    await expectNoPodLeft(api)
  }, 120_000)

  it('falls back to fork/exec measured on the node, and says so, when kubelet metrics are forbidden', async () => {
    const api = await server({tokens: {'no-proxy': {deny: ['get nodes/proxy']}}})
    const out = join(api.dir, 'forkexec-model.json')
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', out])
    expect(r.code).toBe(0)
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(model.provenance.node?.runtimeOverhead).toBe('node-fork-exec')
    expect(model.provenance.notes.join('\n')).toMatch(/get nodes\/proxy answered 403/)
    expect(model.costs.forkExecOverhead.source.command).toContain('forkexec')
    await expectNoPodLeft(api, 'no-proxy')
  }, 120_000)

  it('stops with exit 3 and one error line when the token may not create pods, and creates none', async () => {
    const api = await server({tokens: {'read-only': {deny: ['create pods']}}})
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/cannot create pods in namespace "default": forbidden .*\(403\)/)])
    expect(r.stderr).toContain('Try this: grant create on pods (see docs/rbac-calibrate.yaml)')
    expect(api.pods.created).toEqual([])
  }, 60_000)

  it('names Pod Security admission, not RBAC, when the namespace refuses privileged hostPID pods (exit 3, nothing created)', async () => {
    const api = await server({pods: {baselineNamespaces: ['default']}})
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([
      'Error: namespace "default" refuses the calibration pod: Pod Security "baseline:latest" forbids privileged and hostPID pods (403)',
    ])
    expect(r.stderr).toContain('pod-security.kubernetes.io/enforce=privileged')
    expect(api.pods.created).toEqual([])
  }, 60_000)

  it('says so when --namespace does not exist (exit 3)', async () => {
    const api = await server()
    const r = await runCli([
      'calibrate',
      '--node',
      NODE,
      '--namespace',
      'no-such-ns',
      '--kubeconfig',
      api.kubeconfigPath,
      '--plan',
      'smoke',
      '--out',
      join(api.dir, 'x.json'),
    ])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual(['Error: cannot create the calibration pod: namespace "no-such-ns" does not exist'])
    expect(api.pods.created).toEqual([])
  }, 60_000)

  it('deletes the pod and exits 3 when the token may create pods but not exec into them', async () => {
    const api = await server({tokens: {'no-exec': {deny: ['create pods/exec']}}})
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('cannot create pods/exec in namespace "default": forbidden (403)')])
    expect(api.pods.created).toHaveLength(1)
    await expectNoPodLeft(api, 'no-exec')
    expect(existsSync(join(api.dir, 'x.json'))).toBe(false)
  }, 60_000)

  it('gives up on a pod that is never started on its node after --timeout, exit 3, and deletes it', async () => {
    const api = await server({pods: {stuckNodes: [NODE]}})
    const r = await runCli([
      'calibrate',
      '--node',
      NODE,
      '--kubeconfig',
      api.kubeconfigPath,
      '--plan',
      'smoke',
      '--timeout',
      '2',
      '--out',
      join(api.dir, 'x.json'),
    ])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`did not start on node ${NODE} within 2 s \\(phase Pending, ContainerCreating\\)`))])
    expect(api.pods.created).toHaveLength(1)
    await expectNoPodLeft(api)
  }, 60_000)

  it('reports an image the node cannot pull at once, exit 3, and deletes the pod', async () => {
    const api = await server({pods: {failingImages: ['registry.invalid/nope:1'], startDelayMs: 100}})
    const started = Date.now()
    const r = await runCli([
      'calibrate',
      '--node',
      NODE,
      '--image',
      'registry.invalid/nope:1',
      '--kubeconfig',
      api.kubeconfigPath,
      '--plan',
      'smoke',
      '--out',
      join(api.dir, 'x.json'),
    ])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/cannot start: (ErrImagePull|ImagePullBackOff)/)])
    expect(r.stderr).toContain('--image')
    expect(Date.now() - started).toBeLessThan(60_000) // not the 300 s start timeout
    expect(api.pods.created).toHaveLength(1)
    await expectNoPodLeft(api)
  }, 90_000)

  it('refuses a node the cluster does not have with exit 3, before creating anything', async () => {
    const api = await server()
    const r = await runCli(['calibrate', '--node', 'no-such-node', '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')])
    expect(r.code).toBe(3)
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('node "no-such-node" not found')])
    expect(api.pods.created).toEqual([])
  }, 60_000)

  it('still deletes the pod when the exec stream carries a frame the client cannot handle (internal error, exit 1)', async () => {
    const api = await server({pods: {startDelayMs: 100, execJunkChannel: 9}})
    const r = await runCli(['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')])
    expect(r.code).toBe(1)
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^Error: internal error: .*Unknown stream: 9/)])
    expect(api.pods.created).toHaveLength(1)
    await expectNoPodLeft(api)
  }, 60_000)

  it('deletes the pod and exits 130 on Ctrl-C (SIGINT) in the middle of the measurements', async () => {
    const api = await server()
    let sent = false
    const r = await runCli(
      ['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')],
      (text, child) => {
        if (!sent && text.includes('measuring: dp-probe legacy')) {
          sent = true
          child.kill('SIGINT')
        }
      },
    )
    expect(sent).toBe(true)
    expect(r.code).toBe(130)
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/interrupted by SIGINT; the calibration pod default\/densityplan-calibrate-\w+ was deleted/)])
    expect(existsSync(join(api.dir, 'x.json'))).toBe(false)
    expectNoProbeLeft(await expectNoPodLeft(api))
  }, 120_000)
})

describe('densityplan calibrate --node stopped by SIGTERM', () => {
  it('deletes the pod and exits 143 when terminated during the measurements', async () => {
    const api = await server()
    let sent = false
    const r = await runCli(
      ['calibrate', '--node', NODE, '--kubeconfig', api.kubeconfigPath, '--plan', 'smoke', '--out', join(api.dir, 'x.json')],
      (text, child) => {
        if (!sent && text.includes('measuring: dp-probe pivot')) {
          sent = true
          child.kill('SIGTERM')
        }
      },
    )
    expect(sent).toBe(true)
    expect(r.code).toBe(143)
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('interrupted by SIGTERM')])
    expectNoProbeLeft(await expectNoPodLeft(api))
  }, 120_000)
})
