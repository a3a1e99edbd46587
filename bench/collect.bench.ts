// Benchmark: `collect` of a large cluster over the test API server (HTTPS, paged at 500).
// The server runs in a child process and generates pods lazily per page, so the figures are
// the collector's alone: pods/s, peak RSS growth over a warmed-up baseline (client-node
// loaded), and heap still held after GC (the reduced pods). Target: 150,000 pods with under
// 300 MB of memory growth. `--smoke`: 5,000 pods.
//
// bench/run.ts starts this file with plain `node --expose-gc`; the sources use `.js` import
// specifiers that only tsx resolves, so the file re-runs itself under `--import tsx` first.
import {spawnSync} from 'node:child_process'

if (!process.env['DP_BENCH_TSX']) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {...process.env, DP_BENCH_TSX: '1'},
  })
  process.exit(r.status ?? 1)
}

const smoke = process.argv.includes('--smoke')
const podsPerNode = 100
const nodes = smoke ? 50 : Number(process.env['DP_BENCH_NODES'] ?? 1500)
const pods = podsPerNode * nodes
const {mkdtempSync, rmSync} = await import('node:fs')
const {tmpdir} = await import('node:os')
const {join} = await import('node:path')
const {startTestApiServerProcess} = await import('../test/support/k8s-api-server/index.js')
const {collect} = await import('../src/app/collect.js')
await import('@kubernetes/client-node')

const gc = (globalThis as {gc?: () => void}).gc ?? (() => undefined)
const mb = (b: number): string => (b / 2 ** 20).toFixed(0)
const pools = [
  {
    name: 'general',
    labelKey: 'cloud.google.com/gke-nodepool',
    nodes: Math.round(nodes * 0.6),
    kernelVersion: '6.1.112+',
    osImage: 'COS',
    containerRuntimeVersion: 'containerd://1.7.24',
    maxPods: 110,
  },
  {
    name: 'fast',
    labelKey: 'karpenter.sh/nodepool',
    nodes: nodes - Math.round(nodes * 0.6),
    kernelVersion: '7.0.3',
    osImage: 'Debian',
    containerRuntimeVersion: 'cri-o://1.31.2',
    maxPods: 250,
  },
]
const api = await startTestApiServerProcess({cluster: {pools, podsPerNode}})
const dir = mkdtempSync(join(tmpdir(), 'dp-bench-collect-'))
try {
  gc()
  const base = process.memoryUsage()
  let peakRss = base.rss
  let retainedHeap = NaN
  let peakRssListing = NaN
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 50)
  const s = await collect({
    kubeconfig: api.kubeconfigPath,
    pageSize: 500,
    maxRetries: 6,
    requestTimeoutMs: 60_000,
    windowMs: 3_600_000,
    kubeletMetrics: false,
    anonymize: false,
    out: join(dir, 'snapshot.json'),
    force: false,
    // The last "pods:" line comes when every page is reduced: the summaries are all alive.
    log: (line) => {
      if (!line.startsWith(`pods: ${pods} (`)) return
      peakRssListing = Math.max(peakRss, process.memoryUsage().rss)
      if (process.env['DP_BENCH_DEBUG'])
        process.stderr.write(
          `before gc: ${JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mb(v - (base as unknown as Record<string, number>)[k]!)])))}\n`,
        )
      gc()
      retainedHeap = process.memoryUsage().heapUsed - base.heapUsed
    },
  })
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const afterRun = process.memoryUsage()
  process.stdout.write(
    `collect: ${s.nodes} nodes, ${s.pods} pods, ${s.pages} pages, ${s.retries} retries in ${(s.durationMs / 1000).toFixed(1)} s = ${s.podsPerSecond} pods/s\n`,
  )
  process.stdout.write(
    `memory: baseline rss ${mb(base.rss)} MB; peak rss growth ${mb(peakRss - base.rss)} MB (target < 300 MB; ${mb(peakRssListing - base.rss)} MB by the end of listing); heap held by the ${s.pods} summaries (after gc) ${mb(retainedHeap)} MB = ${(retainedHeap / Math.max(s.pods, 1)).toFixed(0)} B/pod; heap growth at end ${mb(afterRun.heapUsed - base.heapUsed)} MB\n`,
  )
  process.stdout.write(`snapshot: ${(s.bytes / 1e6).toFixed(1)} MB, ${(s.bytes / Math.max(s.pods, 1)).toFixed(0)} bytes/pod\n`)
} finally {
  await api.close()
  rmSync(dir, {recursive: true, force: true})
}
