import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * A real, throwaway Prometheus (Debian's `prometheus` package, installed by
 * scripts/test-prereqs.sh) on a free loopback port, scraping test targets every second.
 */

export interface ScrapeTarget {
  /** host:port */
  address: string
  metricsPath: string
  labels: Record<string, string>
}

export interface TestPrometheus {
  url: string
  port: number
  dir: string
  /** GET /api/v1/query → the result vector (throws on anything else). */
  query(promql: string): Promise<Array<{metric: Record<string, string>; value: [number, string]}>>
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export async function startPrometheus(targets: readonly ScrapeTarget[], binary = 'prometheus'): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'densityplan-prom-'))
  const staticConfigs = targets
    .map((t) => `      - targets: ['${t.address}']\n        labels: ${JSON.stringify({...t.labels, __metrics_path__: t.metricsPath})}`)
    .join('\n')
  const scrape = targets.length ? `scrape_configs:\n  - job_name: kubelet\n    static_configs:\n${staticConfigs}\n` : ''
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n${scrape}`)
  const port = await freePort()
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(dir, {recursive: true, force: true})
  }
  const query = async (promql: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const doc = (await res.json()) as {status: string; data: {result: Array<{metric: Record<string, string>; value: [number, string]}>}}
    if (doc.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(doc)}`)
    return doc.data.result
  }
  try {
    await waitFor(
      async () => (await fetch(`${url}/-/ready`).catch(() => null))?.status === 200,
      20_000,
      () => `Prometheus did not get ready: ${stderr}`,
    )
  } catch (err) {
    await close()
    throw err
  }
  return {url, port, dir, query, close}
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
