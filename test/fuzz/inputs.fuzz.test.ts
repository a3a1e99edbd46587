import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {parseSimulateFlags, type SimulateFlags} from '../../src/app/simulate-request.js'
import {loadKubeconfig} from '../../src/cluster/kubeconfig.js'
import {parseHistograms} from '../../src/cluster/prometheus.js'
import {describeError} from '../../src/commands/base-command.js'
import {readMountinfoDir} from '../../src/io/mountinfo.js'
import {parseModelBytes} from '../../src/io/model-file.js'
import {readResultFile} from '../../src/io/report-writer.js'
import {readSnapshot} from '../../src/io/snapshot-file.js'
import {writeFileAtomic} from '../../src/io/atomic-write.js'
import {SIMULATE_FLAG_DEFAULTS} from '../support/simulate-flags.js'

// Issue 10: one fuzz property per input format. Each mutates a real input (the demo snapshot,
// a shipped model, the real-world captures in test/fixtures/real-world/) and asserts what a
// user may rely on: the reader returns, or fails with exit 2 (3 for kubeconfig) and a one-line
// message without a stack; each case finishes in bounded time; memory stays bounded; nothing is
// left under the output name after a failure. FUZZ_RUNS sets the cases per property: small in
// CI (the whole file < 1 minute), large in `npm run fuzz`.
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 25)
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED'])
const params = {numRuns: RUNS, ...(SEED === undefined ? {} : {seed: SEED}), endOnFailure: true}
/** Per case: generous for a loaded 2-core machine; the defects this guards against took minutes. */
const CASE_MS = 20_000
/** Per property: vitest's 60 s default suits the CI run; a long run needs time in proportion. */
const PROPERTY_MS = 60_000 + RUNS * 4 * 200
/** Resident memory after any case; the defects took 8-17 GB. */
const RSS_LIMIT = 3 * 1024 * 1024 * 1024

const root = join(import.meta.dirname, '..', '..')
const realWorld = join(root, 'test', 'fixtures', 'real-world')
const dir = mkdtempSync(join(tmpdir(), 'dp-fuzz-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let fileNo = 0
const scratch = (name: string): string => join(dir, `${++fileNo}-${name}`)

type Json = unknown
/** A JSON edit: replace the value at a random path with a hostile one, delete it, or duplicate an array item. */
const hostileValue = fc.oneof(
  fc.constantFrom(0, -1, 1e9, 1e300, -1e300, 0.5, Number.MAX_SAFE_INTEGER, '', 'x'.repeat(10_000), '\u001b]0;t\u0007', '__proto__', null, true, [], {}),
  fc.jsonValue({maxDepth: 3}),
)
const edit = fc.record({pick: fc.nat(), action: fc.constantFrom('replace', 'delete', 'duplicate'), value: hostileValue})
type Edit = {pick: number; action: string; value: Json}

function paths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix)
  if (out.length > 5000) return out
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => paths(v, [...prefix, i], out))
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out)
  return out
}
function applyEdits(base: Json, edits: Edit[]): Json {
  const doc = structuredClone(base) as Record<string | number, Json>
  for (const e of edits) {
    const all = paths(doc).filter((p) => p.length > 0)
    const path = all[e.pick % all.length]!
    const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], doc) as Record<string | number, Json>
    const key = path.at(-1)!
    if (e.action === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key]
    } else if (e.action === 'duplicate' && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]))
    else Object.defineProperty(parent, key, {value: e.value, enumerable: true, writable: true, configurable: true})
  }
  return doc
}
/** Text-level damage: cut, splice random bytes, or repeat a slice. */
const textDamage = fc.record({
  at: fc.nat(),
  len: fc.nat({max: 200}),
  insert: fc.string({maxLength: 50, unit: 'binary'}),
  how: fc.constantFrom('cut', 'splice', 'repeat'),
})
function damage(text: string, d: {at: number; len: number; insert: string; how: string}): string {
  const at = text.length ? d.at % text.length : 0
  if (d.how === 'cut') return text.slice(0, at)
  if (d.how === 'splice') return text.slice(0, at) + d.insert + text.slice(at + d.len)
  return text.slice(0, at) + text.slice(at, at + d.len).repeat(50) + text.slice(at)
}

/** Runs one case: success, or an error that exits with an allowed code and prints one line without a stack. */
async function expectCleanOutcome(run: () => unknown, allowed: number[]): Promise<void> {
  const t0 = performance.now()
  let err: unknown
  try {
    await run()
  } catch (e) {
    err = e
  }
  const ms = performance.now() - t0
  expect(ms).toBeLessThan(CASE_MS)
  expect(process.memoryUsage().rss).toBeLessThan(RSS_LIMIT)
  if (err === undefined) return
  const d = describeError(err)
  if (!allowed.includes(d.code)) throw new Error(`exit ${d.code}: ${d.message}`, {cause: err})
  expect(d.message).not.toMatch(/\n|\s+at \S+ \(/)
  expect(d.fix ?? '').not.toContain('\n')
}

const snapshotBase = JSON.parse(gunzipSync(readFileSync(join(root, 'demo', 'snapshot.json.gz'))).toString('utf8')) as Record<string, Json[]>
const smallSnapshot = (() => {
  const nodes = snapshotBase['nodes']!.slice(0, 3) as Array<{name: string}>
  const names = new Set(nodes.map((n) => n.name))
  const on = (x: Json): boolean => names.has((x as {node: string}).node)
  return {
    ...snapshotBase,
    nodes,
    pods: snapshotBase['pods']!.filter(on),
    derived: snapshotBase['derived']!.filter(on),
    mountinfo: (snapshotBase['mountinfo'] ?? []).filter(on),
    kubeletMetrics: (snapshotBase['kubeletMetrics'] ?? []).filter(on),
  }
})()
const modelText = readFileSync(join(root, 'models', 'linux-6.18-legacy.json'), 'utf8')
const mountinfoSeeds = readdirSync(realWorld)
  .filter((f) => f.startsWith('mountinfo-') || f.startsWith('proc-mounts-'))
  .map((f) => readFileSync(join(realWorld, f), 'latin1'))
const metricsSeeds = readdirSync(realWorld)
  .filter((f) => f.endsWith('.prom'))
  .map((f) => readFileSync(join(realWorld, f), 'utf8'))

describe('fuzz: every input format fails cleanly or succeeds', {timeout: PROPERTY_MS}, () => {
  it('snapshot files (demo snapshot with field edits and text damage)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, {minLength: 1, maxLength: 4}), fc.option(textDamage, {nil: undefined}), async (edits, d) => {
        const text = JSON.stringify(applyEdits(smallSnapshot, edits))
        const path = scratch('snap.json')
        writeFileSync(path, d ? damage(text, d) : text)
        await expectCleanOutcome(() => readSnapshot(path), [2])
      }),
      params,
    )
  })

  it('result files (a schema-shaped result with field edits and text damage)', async () => {
    const base = {apiVersion: 'densityplan.dev/v1alpha1', kind: 'AnalysisResult', classes: [], pools: [], seed: 1}
    await fc.assert(
      fc.asyncProperty(fc.array(edit, {maxLength: 4}), fc.option(textDamage, {nil: undefined}), async (edits, d) => {
        const text = JSON.stringify(applyEdits(base, edits))
        const path = scratch('result.json')
        writeFileSync(path, d ? damage(text, d) : text)
        await expectCleanOutcome(() => readResultFile(path), [2])
      }),
      params,
    )
  })

  it('model files (the shipped legacy model with field edits and text damage)', async () => {
    const model = JSON.parse(modelText) as Json
    await fc.assert(
      fc.asyncProperty(fc.array(edit, {minLength: 1, maxLength: 4}), fc.option(textDamage, {nil: undefined}), async (edits, d) => {
        const text = JSON.stringify(applyEdits(model, edits))
        await expectCleanOutcome(() => parseModelBytes(Buffer.from(d ? damage(text, d) : text), 'm.json'), [2])
      }),
      params,
    )
  })

  it('mountinfo captures (real-world captures, damaged)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(textDamage, {maxLength: 3}), fc.string({minLength: 1, maxLength: 20}), async (seed, ds, node) => {
        const text = ds.reduce(damage, mountinfoSeeds[seed % mountinfoSeeds.length]!)
        const mi = scratch('mountinfo')
        mkdirSync(mi)
        const safe = node.replace(/[/\0]/g, '_').replace(/^\.+/, '_')
        writeFileSync(join(mi, safe), text, 'latin1')
        await expectCleanOutcome(() => readMountinfoDir(mi), [2])
      }),
      params,
    )
  })

  it('kubelet metrics text (real-world /metrics, damaged)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(textDamage, {maxLength: 3}), async (seed, ds) => {
        const text = ds.reduce(damage, metricsSeeds[seed % metricsSeeds.length]!)
        await expectCleanOutcome(() => {
          const sli = parseHistograms(text, 'kubelet_pod_start_sli_duration_seconds')
          for (const h of sli.values()) for (const b of h.buckets) if (b.le !== null) expect(Number.isFinite(b.le)).toBe(true)
          parseHistograms(text, 'kubelet_runtime_operations_duration_seconds', 'operation_type')
        }, [])
      }),
      params,
    )
  })

  it('kubeconfig files (a valid kubeconfig, damaged)', async () => {
    const k8s = await import('@kubernetes/client-node')
    const valid = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\ncurrent-context: ctx\nusers:\n- name: u\n  user:\n    token: t\n`
    await fc.assert(
      fc.asyncProperty(fc.array(textDamage, {maxLength: 3}), fc.option(fc.string({maxLength: 20}), {nil: undefined}), async (ds, context) => {
        const path = scratch('kubeconfig')
        writeFileSync(path, ds.reduce(damage, valid))
        await expectCleanOutcome(() => loadKubeconfig(k8s, {kubeconfig: path, ...(context === undefined ? {} : {context})}), [3])
      }),
      params,
    )
  })

  it('simulate flags (any value of any flag is accepted or refused with its range)', async () => {
    const names = [
      'workload',
      'pods',
      'rate',
      'duration',
      'concurrency',
      'starts',
      'containers-per-pod',
      'init-containers',
      'volumes-per-pod',
      'host-mounts-per-pod',
      'rootfs-mounts',
      'runtime-mounts',
      'runtime-overhead',
      'pod-overhead',
      'legacy-fallback',
      'cores',
      'system-threads',
      'host-mounts',
      'mountinfo-readers',
      'mountinfo-interval',
      'replications',
      'seed',
    ] as const
    const value = fc.oneof(
      fc.string({maxLength: 12}),
      fc.integer().map(String),
      fc.double().map(String),
      fc.constantFrom('1e309', '-0', '0x10', '5s', '1e9ms', 'NaN', 'Infinity', ' 1', '1 ', ''),
    )
    const defaults: SimulateFlags = {...SIMULATE_FLAG_DEFAULTS, 'system-threads': '400', 'mountinfo-readers': '0', replications: '1'}
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...names), value, {maxKeys: 5}), async (overrides) => {
        await expectCleanOutcome(() => parseSimulateFlags({...defaults, ...overrides} as SimulateFlags), [2])
      }),
      {...params, numRuns: RUNS * 4},
    )
  })

  it('leaves nothing under the output name when a write fails', async () => {
    const file = scratch('plain-file')
    writeFileSync(file, 'x')
    const bad = ['', '/', dir, '/proc/version', '/dev/null', join(file, 'x'), join('/proc', 'densityplan-x'), `${dir}/${'n'.repeat(300)}`]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bad), fc.boolean(), async (out, force) => {
        let err: unknown
        await writeFileAtomic(out, 'data', {force}).catch((e: unknown) => (err = e))
        expect(describeError(err).code).toBe(2)
        expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
        expect(readFileSync(file, 'utf8')).toBe('x')
      }),
      {...params, numRuns: Math.min(RUNS, 16)},
    )
  })
})
