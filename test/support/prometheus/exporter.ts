import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

/**
 * A kubelet-style /metrics exporter for tests, one path per node (`/nodes/NAME/metrics`), built
 * from the real kubelet dumps in test/fixtures/real-world/. Every scrape of a node advances its
 * counters: scrape k (0, 1, 2, ...) serves each histogram sample (bucket, _sum, _count) as k
 * times its value in the dump, so the first sample Prometheus sees is 0 and every series of a
 * node grows in proportion. Other lines are served as they are. freeze() makes every later
 * scrape fail (503), so Prometheus's data stops changing while a test reads it.
 */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface ExportedNode {
  name: string
  /** The dump's lines (after `drop`). */
  lines: string[]
  /** The dump's samples (after `drop`), parsed here independently of the code under test. */
  samples: Sample[]
  /** Scrapes served so far. */
  scrapes: number
  /** Scrapes refused after freeze(). */
  refused: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(\s+\d+)?$/
const HISTOGRAM_PART = /_(bucket|sum|count)$/

export function parseSample(line: string): Sample | null {
  if (line.startsWith('#')) return null
  const m = SAMPLE.exec(line.trim())
  if (!m) return null
  const labels: Record<string, string> = {}
  for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
  return {name: m[1]!, labels, value: Number(m[3])}
}

export function fixtureText(file: string): string {
  return readFileSync(new URL(`../../fixtures/real-world/${file}`, import.meta.url), 'utf8')
}

/** A dump's text without the families whose names start with one of `drop` (HELP/TYPE lines too). */
export function withoutFamilies(text: string, drop: readonly string[]): string {
  return text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('#') ? (line.split(/\s+/)[2] ?? '') : line.split(/[{\s]/)[0]!
      return !drop.some((d) => name.startsWith(d))
    })
    .join('\n')
}

export interface TestExporter {
  port: number
  nodes: Map<string, ExportedNode>
  freeze(): void
  close(): Promise<void>
}

export async function startExporter(dumps: Record<string, string>): Promise<TestExporter> {
  const nodes = new Map<string, ExportedNode>()
  for (const [name, text] of Object.entries(dumps)) {
    const lines = text.split('\n')
    nodes.set(name, {name, lines, samples: lines.flatMap((l) => parseSample(l) ?? []), scrapes: 0, refused: 0})
  }
  let frozen = false
  const server: Server = createServer((req, res) => {
    const m = req.url?.match(/^\/nodes\/([^/]+)\/metrics$/)
    const node = m ? nodes.get(m[1]!) : undefined
    if (!node) {
      res.writeHead(404).end('not found\n')
      return
    }
    if (frozen) {
      node.refused++
      res.writeHead(503).end('frozen\n')
      return
    }
    const k = node.scrapes++
    const body = node.lines
      .map((line) => {
        const s = parseSample(line)
        if (!s || !HISTOGRAM_PART.test(s.name)) return line
        const head = line.trim().slice(0, line.trim().lastIndexOf(' ', line.trim().length - 1))
        return `${head} ${String(s.value * k)}`
      })
      .join('\n')
    res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'}).end(body.endsWith('\n') ? body : `${body}\n`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    nodes,
    freeze: () => {
      frozen = true
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
