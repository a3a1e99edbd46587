import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, request, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer, type Server as HttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mergeHistograms} from '../../src/profile/histogram.js'
import type {Histogram, KubeletMetrics} from '../../src/domain/snapshot.js'
import {readSnapshot} from '../../src/io/snapshot-file.js'
import {makeServerCerts, type TestCerts} from '../support/k8s-api-server/certs.js'
import {startTestApiServer, type TestApiServer} from '../support/k8s-api-server/index.js'
import {fixtureText, startExporter, withoutFamilies, type ExportedNode, type TestExporter} from '../support/prometheus/exporter.js'
import {freePort, startPrometheus, waitFor, type TestPrometheus} from '../support/prometheus/server.js'

// `collect --prometheus` against a real Prometheus 2.42 (Debian's package, from
// scripts/test-prereqs.sh) that scraped a kubelet-style exporter built from the real dumps in
// test/fixtures/real-world/: different bucket layouts, a kubelet without the SLI metric, one
// with a negative _sum, one with no histograms at all, and a node the cluster does not have.

const SLI = 'kubelet_pod_start_sli_duration_seconds'
const FALLBACK = 'kubelet_pod_start_duration_seconds'
const OPS = 'kubelet_runtime_operations_duration_seconds'
const eks = fixtureText('kubelet-metrics-eks-v1.21-excerpt-datadog-fixture.prom')
const DUMPS: Record<string, string> = {
  'general-node-0000': fixtureText('kubelet-metrics-pod-start-sli-aks-fresh-node.prom'),
  'general-node-0001': fixtureText('kubelet-metrics-pod-start-sli-aks-after-110pods.prom'),
  'general-node-0002': eks,
  // A pre-1.26 kubelet: no SLI family (SOURCES.md: the excerpt's SLI families were added later).
  'fast-start-node-0000': withoutFamilies(eks, [SLI, 'kubelet_pod_start_total_duration_seconds']),
  // Kubernetes 1.13: summaries only, no histograms.
  'fast-start-node-0001': fixtureText('kubelet-metrics-full-v1.13.4-netdata-testdata.prom'),
  'ghost-node-0000': fixtureText('kubelet-metrics-pod-start-sli-aks-fresh-node.prom'),
}

interface Run {
  stdout: string
  stderr: string
  exit: number
}
async function cli(args: string[]): Promise<Run> {
  const {stdout, stderr, error} = await runCommand(args)
  return {stdout, stderr, exit: error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)}
}

/** The exporter's histogram of a metric in the dump (before scaling), grouped by `group`. */
function served(node: ExportedNode, metric: string, group?: string): Map<string, Histogram> {
  const out = new Map<string, {buckets: Map<number | null, number>; sum: number; count: number}>()
  const get = (g: string) => out.get(g) ?? out.set(g, {buckets: new Map(), sum: 0, count: 0}).get(g)!
  for (const s of node.samples) {
    const g = group ? (s.labels[group] ?? '') : ''
    if (s.name === `${metric}_bucket`) {
      const le = s.labels['le'] === '+Inf' ? null : Number(s.labels['le'])
      get(g).buckets.set(le, (get(g).buckets.get(le) ?? 0) + s.value)
    } else if (s.name === `${metric}_sum`) get(g).sum += s.value
    else if (s.name === `${metric}_count`) get(g).count += s.value
  }
  return new Map(
    [...out].map(([g, h]) => [
      g,
      {buckets: [...h.buckets].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([le, count]) => ({le, count})), sum: h.sum, count: h.count},
    ]),
  )
}

/**
 * What Prometheus's increase() gives for a series served as 0, b, 2b, ... (K scrapes, then
 * none): the increase over the samples, (K-1)·b, extrapolated by half an average scrape interval
 * past the last sample (the series ends more than 1.1 intervals before the evaluation time) and
 * not at all before the first (it starts at 0): (K-1)·b · (1 + 1/(2(K-1))) = (K - 0.5)·b,
 * whatever the jitter of the scrapes. So bucket for bucket, stored = (K - 0.5) × the dump.
 */
function expectIncrease(stored: Histogram, base: Histogram, scrapes: number, opts: {sum: boolean}): void {
  const c = scrapes - 0.5
  expect(stored.buckets.map((b) => b.le)).toEqual(base.buckets.map((b) => b.le))
  stored.buckets.forEach((b, i) => expect(b.count).toBeCloseTo(c * base.buckets[i]!.count, 6))
  expect(stored.count).toBeCloseTo(c * base.count, 6)
  if (opts.sum) expect(stored.sum).toBeCloseTo(c * base.sum, 4)
}

let api: TestApiServer
const services: Record<string, string> = {}
let exporter: TestExporter
let prom: TestPrometheus
let authProxy: Server
let tlsProxy: HttpsServer
let tls: TestCerts
let dir: string
beforeAll(async () => {
  api = await startTestApiServer({cluster: {podsPerNode: 3, unscheduledPods: 0}, services})
  exporter = await startExporter(DUMPS)
  prom = await startPrometheus(
    Object.keys(DUMPS).map((node) => ({address: `127.0.0.1:${exporter.port}`, metricsPath: `/nodes/${node}/metrics`, labels: {node}})),
  )
  // Real scrapes: at least 4 samples of every target in Prometheus.
  await waitFor(
    async () => (await prom.query('count_over_time(up{job="kubelet"}[5m]) >= 4')).length === Object.keys(DUMPS).length,
    25_000,
    () => `scrapes: ${JSON.stringify([...exporter.nodes.values()].map((n) => [n.name, n.scrapes]))}`,
  )
  // Then no more data: two refused scrapes per target put the last sample > 1.1 intervals back.
  exporter.freeze()
  services['monitoring/http:prometheus-k8s:9090'] = prom.url
  await waitFor(
    async () => [...exporter.nodes.values()].every((n) => n.refused >= 2),
    10_000,
    () => 'Prometheus stopped scraping',
  )
  // An auth guard in front of Prometheus, as kube-rbac-proxy or oauth2-proxy would be: a bearer
  // token or basic auth, over http and over https with the test CA.
  const guard = (req: IncomingMessage, res: ServerResponse): void => {
    if (!['Bearer s3cret-token', `Basic ${Buffer.from('alice:pa55word').toString('base64')}`].includes(req.headers.authorization ?? ''))
      return void res.writeHead(401, {'content-type': 'text/plain'}).end('Unauthorized\n')
    const up = request(`${prom.url}${req.url}`, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.end()
  }
  authProxy = createServer(guard)
  await new Promise<void>((resolve) => authProxy.listen(0, '127.0.0.1', resolve))
  dir = mkdtempSync(join(tmpdir(), 'densityplan-collect-prom-'))
  writeFileSync(join(dir, 'good.token'), 's3cret-token\n')
  writeFileSync(join(dir, 'bad.token'), 'wrong-token\n')
  writeFileSync(join(dir, 'password'), 'pa55word\n')
  mkdirSync(join(dir, 'tls'))
  tls = makeServerCerts(join(dir, 'tls'))
  tlsProxy = createHttpsServer({key: tls.keyPem, cert: tls.certPem}, guard)
  await new Promise<void>((resolve) => tlsProxy.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => {
  await prom?.close()
  await exporter?.close()
  await new Promise((r) => (authProxy ? authProxy.close(r) : r(undefined)))
  await new Promise((r) => (tlsProxy ? tlsProxy.close(r) : r(undefined)))
  await api?.close()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('collect --prometheus against a real Prometheus', () => {
  let byNode: Map<string, KubeletMetrics>
  let run: Run
  beforeAll(async () => {
    const out = join(dir, 'direct.json')
    run = await cli(['collect', '--kubeconfig', api.kubeconfigPath, '--prometheus', prom.url, '--out', out])
    expect(run.exit, run.stderr).toBe(0)
    byNode = new Map(((await readSnapshot(out)).kubeletMetrics ?? []).map((m) => [m.node, m]))
  })

  it('stores, for every node Prometheus has, the histogram the exporter served, bucket for bucket after increase()', () => {
    expect([...byNode.keys()].sort()).toEqual(['fast-start-node-0000', 'general-node-0000', 'general-node-0001', 'general-node-0002'])
    const scrapes = (n: string) => exporter.nodes.get(n)!.scrapes
    expectIncrease(
      byNode.get('general-node-0000')!.podStartSliSeconds!,
      served(exporter.nodes.get('general-node-0000')!, SLI).get('')!,
      scrapes('general-node-0000'),
      {sum: true},
    )
    expectIncrease(
      byNode.get('general-node-0002')!.podStartSliSeconds!,
      served(exporter.nodes.get('general-node-0002')!, SLI).get('')!,
      scrapes('general-node-0002'),
      {sum: true},
    )
  })

  it('keeps the bucket layout of each kubelet: the SLI layout and the default one differ', () => {
    const les = (n: string) => byNode.get(n)!.podStartSliSeconds!.buckets.map((b) => b.le)
    expect(les('general-node-0000')).not.toEqual(les('fast-start-node-0000'))
    expect(les('fast-start-node-0000')).toEqual(
      served(exporter.nodes.get('fast-start-node-0000')!, FALLBACK)
        .get('')!
        .buckets.map((b) => b.le),
    )
  })

  it('falls back to kubelet_pod_start_duration_seconds on a kubelet without the SLI metric, and records which', () => {
    const m = byNode.get('fast-start-node-0000')!
    expectIncrease(
      m.podStartSliSeconds!,
      served(exporter.nodes.get('fast-start-node-0000')!, FALLBACK).get('')!,
      exporter.nodes.get('fast-start-node-0000')!.scrapes,
      {sum: true},
    )
    expect(m.source).toMatchObject({kind: 'prometheus', window: '7d', podStartMetric: FALLBACK})
    expect(byNode.get('general-node-0000')!.source).toEqual({
      kind: 'prometheus',
      window: '7d',
      podStartMetric: SLI,
      query: `sum by (le, node) (increase(${SLI}_bucket[7d]))`,
      runtimeOperationsQuery: `sum by (le, node, operation_type) (increase(${OPS}_bucket[7d]))`,
    })
    expect(run.stderr).toMatch(/1 node\(s\) have no kubelet_pod_start_sli_duration_seconds/)
  })

  it('reads runtime-operation histograms per operation_type', () => {
    const node = exporter.nodes.get('general-node-0002')!
    const base = served(node, OPS, 'operation_type')
    const stored = byNode.get('general-node-0002')!.runtimeOperationsSeconds
    expect(Object.keys(stored).sort()).toEqual([...base.keys()].sort())
    expect(base.size).toBeGreaterThan(5)
    for (const [op, h] of base) if (h.count > 0) expectIncrease(stored[op]!, h, node.scrapes, {sum: true})
  })

  it('keeps the buckets and count of the kubelet whose _sum is negative, and the merge leaves its meaningless _sum out', () => {
    const node = exporter.nodes.get('general-node-0001')!
    const base = served(node, SLI).get('')!
    expect(base.sum).toBeLessThan(0)
    const stored = byNode.get('general-node-0001')!.podStartSliSeconds!
    expectIncrease(stored, base, node.scrapes, {sum: false})
    // Served as 0, s, 2s, ... with s < 0, the _sum falls at every scrape; Prometheus reads each
    // fall as a counter reset, so its increase() is negative too, and not (K - 0.5)·s.
    expect(stored.sum).toBeLessThan(0)
    expect(mergeHistograms([stored, byNode.get('general-node-0000')!.podStartSliSeconds!])!.sum).toBe(byNode.get('general-node-0000')!.podStartSliSeconds!.sum)
  })

  it('skips nodes without histograms and warns about series of nodes it did not collect', () => {
    expect(byNode.has('fast-start-node-0001')).toBe(false)
    expect(byNode.has('gpu-node-0000')).toBe(false)
    expect(run.stderr).toMatch(/series for 1 node\(s\) that were not collected \(first: ghost-node-0000\)/)
    expect(run.stdout).toMatch(/Kubelet metrics from 4 of 6 nodes/)
  })
})

describe('analyze --prometheus (live)', () => {
  it('fits the non-mount start time of a class to the histograms Prometheus holds for its nodes', async () => {
    const out = join(dir, 'analysis.json')
    const cheap = ['--replications', '2', '--sweep-points', '2', '--burst-sizes', '1', '--burst', '1', '--jobs', '1', '--format', 'json']
    const r = await cli(['analyze', '--kubeconfig', api.kubeconfigPath, '--prometheus', prom.url, ...cheap, '--out', out, '--json'])
    expect(r.exit, r.stderr).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      classes: Array<{pool: string; sampleNodes: string[]; overhead: {source: string; samples: number; note: string}}>
    }
    const stored = new Map(((await readSnapshot(join(dir, 'direct.json'))).kubeletMetrics ?? []).map((m) => [m.node, m.podStartSliSeconds!]))
    const general = result.classes.filter((c) => c.pool === 'general')
    expect(general.length).toBeGreaterThan(0)
    for (const c of general) {
      expect(c.overhead.source).toBe('observed')
      expect(c.overhead.note).toMatch(/on this class/)
      expect(c.overhead.samples).toBe(Math.round(c.sampleNodes.reduce((acc, n) => acc + (stored.get(n)?.buckets.at(-1)?.count ?? 0), 0)))
    }
  })
})

describe('collect --prometheus auth and failures', () => {
  const oneErrorLine = (r: Run, pattern: RegExp) => {
    expect(r.exit).toBe(3)
    // Progress lines come first on stderr; the error is one `Error:` line and its `Try this:` line.
    const lines = r.stderr.trim().split('\n')
    const at = lines.findIndex((l) => l.startsWith('Error: '))
    expect(lines[at]).toMatch(pattern)
    expect(lines.slice(at + 1)).toEqual([expect.stringMatching(/^Try this: /)])
    expect(lines.filter((l) => l.startsWith('Error'))).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }
  const collect = (name: string, extra: string[]) => cli(['collect', '--kubeconfig', api.kubeconfigPath, '--out', join(dir, `${name}.json`), ...extra])

  it('sends a bearer token from --prometheus-token-file', async () => {
    const r = await collect('token', [
      '--prometheus',
      `http://127.0.0.1:${(authProxy.address() as AddressInfo).port}`,
      '--prometheus-token-file',
      join(dir, 'good.token'),
    ])
    expect(r.exit, r.stderr).toBe(0)
    expect((await readSnapshot(join(dir, 'token.json'))).kubeletMetrics).toHaveLength(4)
  })

  it("reaches an in-cluster Prometheus (NAME.NAMESPACE.svc) through the API server's service proxy", async () => {
    const r = await collect('proxied', ['--prometheus', 'http://prometheus-k8s.monitoring.svc:9090'])
    expect(r.exit, r.stderr).toBe(0)
    expect((await readSnapshot(join(dir, 'proxied.json'))).kubeletMetrics).toEqual((await readSnapshot(join(dir, 'direct.json'))).kubeletMetrics)
    expect(api.stats.recent.some((p) => p.startsWith('GET /api/v1/namespaces/monitoring/services/http:prometheus-k8s:9090/proxy/api/v1/query?query='))).toBe(
      true,
    )
  })

  it('sends basic auth from --prometheus-user and --prometheus-password-file', async () => {
    const r = await collect('basic', [
      '--prometheus',
      `http://127.0.0.1:${(authProxy.address() as AddressInfo).port}`,
      '--prometheus-user',
      'alice',
      '--prometheus-password-file',
      join(dir, 'password'),
    ])
    expect(r.exit, r.stderr).toBe(0)
    expect((await readSnapshot(join(dir, 'basic.json'))).kubeletMetrics).toHaveLength(4)
  })

  it('verifies https against --prometheus-ca-file, or skips verification with --prometheus-insecure-skip-tls-verify', async () => {
    const url = `https://127.0.0.1:${(tlsProxy.address() as AddressInfo).port}`
    const token = ['--prometheus-token-file', join(dir, 'good.token')]
    expect((await collect('tls-ca', ['--prometheus', url, ...token, '--prometheus-ca-file', tls.caPath])).exit).toBe(0)
    expect((await collect('tls-insecure', ['--prometheus', url, ...token, '--prometheus-insecure-skip-tls-verify'])).exit).toBe(0)
    oneErrorLine(await collect('tls-unknown-ca', ['--prometheus', url, ...token]), /TLS verification failed/)
  })

  it('a rejected token is one error line and exit 3', async () => {
    oneErrorLine(
      await collect('bad-token', [
        '--prometheus',
        `http://127.0.0.1:${(authProxy.address() as AddressInfo).port}`,
        '--prometheus-token-file',
        join(dir, 'bad.token'),
      ]),
      /refused the query \(401 Unauthorized\)/,
    )
  })

  it('an unreachable URL is one error line and exit 3', async () => {
    oneErrorLine(
      await collect('refused', ['--prometheus', `http://127.0.0.1:${await freePort()}`]),
      /cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: connection refused/,
    )
  })

  it('a query Prometheus rejects is one error line and exit 3', async () => {
    oneErrorLine(
      await collect('bad-query', ['--prometheus', prom.url, '--prometheus-window', '99999999999999999y']),
      /rejected the query sum by \(le, node\) \(increase\(kubelet_pod_start_sli_duration_seconds_bucket\[99999999999999999y\]\)\): bad_data/,
    )
  })

  it('no series under the node label is one error line and exit 3', async () => {
    oneErrorLine(
      await collect('no-label', ['--prometheus', prom.url, '--prometheus-node-label', 'kubernetes_io_hostname']),
      /none carries the label kubernetes_io_hostname/,
    )
  })

  it('a URL that is not Prometheus is one error line and exit 3', async () => {
    oneErrorLine(await collect('not-prom', ['--prometheus', `http://127.0.0.1:${exporter.port}`]), /is not a Prometheus HTTP API/)
  })
})
