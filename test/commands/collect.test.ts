import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {CollectSummary} from '../../src/app/collect.js'
import {ClusterSnapshotSchema, type ClusterSnapshot} from '../../src/domain/snapshot.js'
import {readSnapshot} from '../../src/io/snapshot-file.js'
import {startTestApiServer, type TestApiServer, type TestApiServerOptions} from '../support/k8s-api-server/index.js'

// `densityplan collect` in-process against the test API server (HTTPS, own CA, bearer tokens).
// Clusters are small (6 nodes × 20 pods) so each case takes well under a second, except the
// ones that wait out Retry-After.

interface Run {
  stdout: string
  stderr: string
  exit: number
  json: Record<string, unknown>
}

async function collect(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  try {
    const {stdout, stderr, error} = await runCommand(['collect', ...args, '--json'])
    const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
    let json: Record<string, unknown> = {}
    try {
      json = JSON.parse(stdout)
    } catch {
      /* not JSON: the assertions below will say so */
    }
    return {stdout, stderr, exit, json}
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
  }
}

const servers: TestApiServer[] = []
async function server(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const api = await startTestApiServer({...opts, cluster: {podsPerNode: 20, unscheduledPods: 2, ...opts.cluster}})
  servers.push(api)
  return api
}
afterAll(async () => {
  for (const s of servers) await s.close()
})

function errorOf(r: Run): {message: string; fix: string} {
  return (r.json as {error: {message: string; fix: string}}).error
}

describe('collect against a healthy cluster', () => {
  let api: TestApiServer
  let out: string
  let run: Run
  beforeAll(async () => {
    api = await server()
    out = join(api.dir, 's.json')
    run = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--page-size', '20'])
  })

  it('prints node, pod, page and retry counts and says the snapshot is complete', () => {
    expect(run.exit).toBe(0)
    const s = run.json as unknown as CollectSummary
    expect(s).toMatchObject({nodes: api.world.nodeCount, pods: api.world.podCount, retries: 0, restarts: 0, complete: true})
    expect(s.pages).toBe(Math.ceil(api.world.nodeCount / 20) + Math.ceil(api.world.podCount / 20))
  })

  it('reuses its TLS connection across pages (client-node alone opens one per request)', () => {
    // undici may open a second connection right after the first response; never one per page.
    expect(api.stats.apiRequests).toBe(8)
    expect(api.stats.connections).toBeLessThanOrEqual(3)
  })

  it('writes a snapshot that validates against the current (v1alpha2) schema', async () => {
    const raw = JSON.parse(readFileSync(out, 'utf8'))
    expect(ClusterSnapshotSchema.safeParse(raw).success).toBe(true)
    const snap = await readSnapshot(out)
    expect(snap.complete).toBe(true)
    expect(snap.cluster.version).toBe('v1.33.5')
  })

  it('reads pools, kernels and runtimes from the nodes', async () => {
    const snap = await readSnapshot(out)
    const fast = snap.nodes.find((n) => n.name === 'fast-start-node-0000')
    expect(fast).toMatchObject({
      pool: 'fast-start',
      poolLabel: 'karpenter.sh/nodepool',
      kernelVersion: '7.0.3-1-cloud-amd64',
      containerRuntimeVersion: 'cri-o://1.31.2',
    })
    expect(fast!.capacity).toEqual({cpuMilli: 16_000, memoryBytes: 64 * 2 ** 30, pods: 250})
    expect(snap.nodes.every((n) => /^10\.\d+\.\d+\.0\/24$/.test(n.podCIDR ?? ''))).toBe(true)
    expect(new Set(snap.nodes.map((n) => n.pool))).toEqual(new Set(['general', 'fast-start', 'gpu']))
  })

  it('summarises pods: owners, volumes by type, sidecars, GPU hints and mount profiles', async () => {
    const snap = await readSnapshot(out)
    expect(snap.pods.filter((p) => p.node === null)).toHaveLength(2)
    const proxy = snap.pods.find((p) => p.namespace === 'kube-system')!
    expect(proxy).toMatchObject({ownerKind: 'DaemonSet', hostNetwork: true, qos: 'BestEffort', requests: {cpuMilli: 0, memoryBytes: 0}})
    // StatefulSet pods request 500m / 1Gi in the test API server's world.
    expect(snap.pods.some((p) => p.ownerKind === 'StatefulSet' && p.requests?.cpuMilli === 500 && p.requests.memoryBytes === 2 ** 30)).toBe(true)
    expect(proxy.volumes).toMatchObject({projected: 1, hostPath: 2, configMap: 1})
    // sandbox rootfs + shm (no netns: host network) + 1 container rootfs + 1 projected tmpfs
    expect(proxy.profile.hostMounts).toBe(4)
    expect(snap.pods.some((p) => p.sidecars === 1)).toBe(true)
    expect(snap.pods.some((p) => p.hints.gpu && p.hints.runtimeClassName === 'nvidia')).toBe(true)
    expect(snap.pods.some((p) => p.ownerKind === 'Job' && p.phase === 'Succeeded')).toBe(true)
    expect(snap.pods.some((p) => p.startLatencyMs !== null && p.startLatencyMs >= 800)).toBe(true)
  })

  it('derives per-node mount tables and churn', async () => {
    const snap = await readSnapshot(out)
    expect(snap.derived).toHaveLength(api.world.nodeCount)
    for (const d of snap.derived) {
      expect(d.pods).toBe(20)
      expect(d.estimatedHostMounts).toBeGreaterThan(30 + 20 * 3)
      expect(d.podCreationRatePerMin).toBeGreaterThan(0)
    }
  })

  it('stores no env values, Secret data, tokens, annotation values or command lines', () => {
    const text = readFileSync(out, 'utf8')
    for (const needle of [
      'env-secret-value-',
      'DB_PASSWORD',
      'annotation-secret-value-',
      'c2VjcmV0LWRhdGEt',
      'cmdline-secret-',
      'good-token',
      '--api-token',
      'BEGIN CERTIFICATE',
      'checksum/secret',
    ]) {
      expect(text).not.toContain(needle)
    }
    // The generated objects do carry them: the test would catch a leak.
    expect(JSON.stringify(api.world.pod(5))).toContain('env-secret-value-5')
  })

  it('refuses to overwrite the snapshot without --force, and overwrites with it', async () => {
    const requests = api.stats.apiRequests
    const again = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out])
    expect(again.exit).toBe(2)
    expect(errorOf(again).message).toContain('already exists')
    expect(api.stats.apiRequests).toBe(requests) // refused before listing anything
    const forced = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--force'])
    expect(forced.exit).toBe(0)
  })

  it('keeps one namespace with -n, and only the selected nodes with --node-selector', async () => {
    const ns = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 'ns.json'), '-n', 'web', '--page-size', '7'])
    const expected = Array.from({length: api.world.podCount}, (_, i) => api.world.podNamespace(i)).filter((n) => n === 'web').length
    expect(ns.json).toMatchObject({pods: expected, complete: true})
    const sel = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 'sel.json'), '--node-selector', 'karpenter.sh/nodepool=fast-start'])
    expect(sel.json).toMatchObject({nodes: 2, pods: 40})
    // Few selected nodes: their pods are listed per node, not the whole cluster's.
    expect(api.stats.recent.filter((r) => r.includes('fieldSelector=spec.nodeName%3Dfast-start-node-000'))).toHaveLength(2)
  })

  it('replaces names with stable salted hashes under --anonymize', async () => {
    const a = join(api.dir, 'a1.json')
    const b = join(api.dir, 'a2.json')
    await collect(['--kubeconfig', api.kubeconfigPath, '--out', a, '--anonymize', '--salt', 's1', '--node-selector', 'kubernetes.io/os=linux'])
    await collect(['--kubeconfig', api.kubeconfigPath, '--out', b, '--anonymize', '--salt', 's1'])
    const text = readFileSync(a, 'utf8')
    for (const raw of ['general-node-0000', 'fast-start', 'payments', 'kube-system', '127.0.0.1', 'kubernetes.io/os']) expect(text).not.toContain(raw)
    const [s1, s2] = await Promise.all([readSnapshot(a), readSnapshot(b)])
    expect(s1.nodes.map((n) => n.name)).toEqual(s2.nodes.map((n) => n.name))
    expect(s1.source.nodeSelector).toMatch(/^sel-[0-9a-f]{12}$/)
    expect(s1.nodes[0]!.name).toMatch(/^node-[0-9a-f]{12}$/)
    expect(new Set(s2.pods.map((p) => p.node)).size).toBe(api.world.nodeCount + 1) // + unscheduled (null)
  })
})

describe('collect: credentials and connection errors exit 3 with one line and write nothing', () => {
  let api: TestApiServer
  beforeAll(async () => {
    api = await server({
      tokens: {'good-token': {}, 'no-pods': {deny: ['list pods'], user: 'system:serviceaccount:ops:reader'}, 'no-nodes': {deny: ['list nodes']}},
    })
  })

  async function failing(args: string[], env?: Record<string, string | undefined>): Promise<{message: string; fix: string; out: string}> {
    const out = join(api.dir, `fail-${Math.random().toString(36).slice(2)}.json`)
    const r = await collect([...args, '--out', out], env)
    expect(r.exit).toBe(3)
    expect(existsSync(out)).toBe(false)
    const e = errorOf(r)
    expect(e.message).not.toContain('\n')
    return {...e, out}
  }

  it('401: names the rejected credentials', async () => {
    const e = await failing(['--kubeconfig', api.writeKubeconfig({token: 'expired'})])
    expect(e.message).toMatch(/rejected the credentials \(401 Unauthorized\)/)
  })

  it('403 on list pods: names the verb, resource, scope and user, and points at docs/rbac.yaml', async () => {
    const e = await failing(['--kubeconfig', api.writeKubeconfig({token: 'no-pods'})])
    expect(e.message).toBe('cannot list pods at the cluster scope: forbidden for user "system:serviceaccount:ops:reader" (403)')
    expect(e.fix).toBe('grant list on pods (see docs/rbac.yaml)')
  })

  it('TLS: a kubeconfig trusting another CA fails verification', async () => {
    const e = await failing(['--kubeconfig', api.writeKubeconfig({caPath: api.makeWrongCa()})])
    expect(e.message).toMatch(/TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/)
  })

  it('connection refused: names the server', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const e = await failing(['--kubeconfig', api.writeKubeconfig({server: `https://127.0.0.1:${port}`})])
    expect(e.message).toContain(`connection refused by https://127.0.0.1:${port}`)
  })

  it('an unknown context lists the known ones', async () => {
    const e = await failing(['--kubeconfig', api.kubeconfigPath, '--context', 'prod'])
    expect(e.message).toContain('context "prod" not found')
    expect(e.fix).toBe('use one of: test')
  })

  it('403 on list nodes names nodes', async () => {
    const e = await failing(['--kubeconfig', api.writeKubeconfig({token: 'no-nodes'})])
    expect(e.message).toBe('cannot list nodes at the cluster scope: forbidden for user "system:serviceaccount:ops:densityplan" (403)')
    expect(e.fix).toBe('grant list on nodes (see docs/rbac.yaml)')
  })

  it('a bad --window is a usage error (exit 2)', async () => {
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 'w.json'), '--window', 'soon'])
    expect(r.exit).toBe(2)
    expect(errorOf(r).message).toBe('--window soon is not a duration')
  })

  it('a missing kubeconfig file says so', async () => {
    const e = await failing(['--kubeconfig', join(api.dir, 'nope.yaml')])
    expect(e.message).toContain('does not exist')
  })
})

describe('collect: kubeconfig resolution like kubectl', () => {
  it('merges several KUBECONFIG files, selects --context, and runs exec credential plugins', async () => {
    const api = await server()
    const plugin = join(api.dir, 'get-token.sh')
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"good-token"}}'\n`)
    chmodSync(plugin, 0o755)
    const first = api.writeKubeconfig({token: 'wrong', contextName: 'stale'})
    const second = join(api.dir, 'exec.yaml')
    writeFileSync(
      second,
      readFileSync(api.writeKubeconfig({contextName: 'viaexec'}), 'utf8').replace(
        / {4}token: .*/,
        `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never`,
      ),
    )
    const r = await collect(['--context', 'viaexec', '--out', join(api.dir, 'exec.json')], {KUBECONFIG: `${first}:${second}`})
    expect(r.stderr + JSON.stringify(r.json)).not.toContain('"error"')
    expect(r.json).toMatchObject({context: 'viaexec', pods: api.world.podCount, complete: true})
  })
})

describe('collect: listing at scale survives throttling, expiry and slow servers', () => {
  it('restarts the pod list once when a continue token expires mid-list (410), and says so', async () => {
    const api = await server({faults: {expireContinue: [3]}})
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--page-size', '25'])
    expect(r.json).toMatchObject({pods: api.world.podCount, restarts: 1, complete: true})
    expect((r.json['warnings'] as string[]).join()).toMatch(/list expired after \d+ page\(s\) \(410 Gone\); restarted/)
    expect(new Set((await readSnapshot(out)).pods.map((p) => p.createdAt + p.node)).size).toBeGreaterThan(api.world.podCount / 2)
    expect((await readSnapshot(out)).pods).toHaveLength(api.world.podCount)
  })

  it('fails with exit 3 when the list expires again after the restart', async () => {
    const api = await server({faults: {expireContinue: 'all'}})
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--page-size', '25'])
    expect(r.exit).toBe(3)
    expect(errorOf(r).message).toContain('expired twice (410 Gone)')
    expect(existsSync(out)).toBe(false)
  })

  it('waits out a 429 storm honouring Retry-After and counts the retries', async () => {
    const api = await server({faults: {throttle: {requests: [2, 3], retryAfterSeconds: 1}}})
    const t0 = Date.now()
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 's.json'), '--page-size', '40'])
    expect(r.json).toMatchObject({pods: api.world.podCount, retries: 2, complete: true})
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900)
    expect(api.stats.byStatus[429]).toBe(2)
  })

  it('gives up after --max-retries when throttling never ends: exit 3, nothing written', async () => {
    const api = await server({faults: {throttle: {requests: 'all', retryAfterSeconds: 0}}})
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--max-retries', '2'])
    expect(r.exit).toBe(3)
    expect(errorOf(r).message).toMatch(/kept throttling \(429 Too Many Requests\) after 3 attempts/)
    expect(existsSync(out)).toBe(false)
  })

  it('follows continue tokens from a slow server that caps the page size below --page-size', async () => {
    const api = await server({faults: {delayMs: 20, maxLimit: 7}})
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 's.json'), '--page-size', '500'])
    expect(r.json).toMatchObject({nodes: api.world.nodeCount, pods: api.world.podCount, pages: 1 + Math.ceil(api.world.podCount / 7), complete: true})
  })

  it('retries 5xx answers and requests that time out', async () => {
    const api = await server({faults: {serverErrors: {requests: [2], status: 503}, hang: [4]}})
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 's.json'), '--page-size', '30', '--request-timeout', '500ms'])
    expect(r.json).toMatchObject({pods: api.world.podCount, retries: 2, complete: true})
  })
})

describe('collect: optional extras', () => {
  it('reads kubelet histograms through the node proxy', async () => {
    const api = await server()
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--kubelet-metrics'])
    expect(r.json).toMatchObject({kubeletMetricsNodes: api.world.nodeCount, complete: true})
    const m = (await readSnapshot(out)).kubeletMetrics![0]!
    expect(m.podStartSliSeconds!.buckets.at(-1)).toEqual({le: null, count: m.podStartSliSeconds!.count})
    expect(Object.keys(m.runtimeOperationsSeconds)).toEqual(['create_container', 'run_podsandbox', 'start_container'])
  })

  it('a 403 on the node proxy is a warning naming the permission; the snapshot is still complete', async () => {
    const api = await server({tokens: {t: {deny: ['get nodes/proxy']}}})
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--kubelet-metrics'])
    expect(r.exit).toBe(0)
    expect(r.json).toMatchObject({complete: true, kubeletMetricsNodes: 0})
    expect((r.json['warnings'] as string[])[0]).toMatch(
      /cannot get nodes\/proxy at the cluster scope: forbidden .*grant get on nodes\/proxy \(see docs\/rbac\.yaml\)/,
    )
    const snap: ClusterSnapshot = await readSnapshot(out)
    expect(snap.complete).toBe(true)
  })

  it('uses real mountinfo captures (file named after the node) instead of the estimate', async () => {
    const api = await server()
    const dir = join(api.dir, 'mi')
    mkdirSync(dir)
    const lines = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      '23 22 0:5 / /proc rw shared:2 - proc proc rw',
      '24 22 0:6 / /run rw master:3 - tmpfs tmpfs rw',
      '25 22 0:7 / /x rw - tmpfs tmpfs rw',
    ]
    writeFileSync(join(dir, 'gpu-node-0000'), `${lines.join('\n')}\n`)
    const out = join(api.dir, 's.json')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', out, '--mountinfo', dir])
    expect(r.json).toMatchObject({mountinfoNodes: 1})
    const snap = await readSnapshot(out)
    expect(snap.mountinfo).toEqual([
      {node: 'gpu-node-0000', mounts: 4, propagation: {shared: 2, slave: 1, private: 1, unbindable: 0}, fsTypes: {tmpfs: 2, ext4: 1, proc: 1}},
    ])
    expect(snap.derived.find((d) => d.node === 'gpu-node-0000')).toMatchObject({estimatedHostMounts: 4, hostMountsSource: 'mountinfo'})
  })

  it('a mountinfo file that is not mountinfo is an input error (exit 2) before any request', async () => {
    const api = await server()
    const dir = join(api.dir, 'bad')
    mkdirSync(dir)
    writeFileSync(join(dir, 'n1'), 'hello\n')
    const r = await collect(['--kubeconfig', api.kubeconfigPath, '--out', join(api.dir, 's.json'), '--mountinfo', dir])
    expect(r.exit).toBe(2)
    expect(errorOf(r).message).toMatch(/n1: line 1 is not a mountinfo line/)
    expect(api.stats.apiRequests).toBe(0)
  })
})
