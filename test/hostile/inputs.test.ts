import {execFileSync, spawn} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {overheadFor} from '../../src/analyze/plan.js'
import {describeError} from '../../src/commands/base-command.js'
import {ClusterError, InputError} from '../../src/errors/errors.js'
import * as atomicWrite from '../../src/io/atomic-write.js'
import {readMountinfoDir} from '../../src/io/mountinfo.js'
import {parseModelBytes} from '../../src/io/model-file.js'
import {readSnapshot} from '../../src/io/snapshot-file.js'
import {summariseMountinfo} from '../../src/io/mountinfo-parse.js'
import {csvField} from '../../src/report/csv.js'

// Issue 10: each defect found by the adversarial pass, as the input that triggered it. Every
// case goes through the entry point a user reaches (file readers, the CLI in-process).
const dir = mkdtempSync(join(tmpdir(), 'dp-hostile-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const root = join(import.meta.dirname, '..', '..')

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
/** The demo snapshot cut to 3 nodes and their pods (the base input). */
function baseSnapshot(): Json {
  const s = JSON.parse(gunzipSync(readFileSync(join(root, 'demo', 'snapshot.json.gz'))).toString('utf8')) as Json
  const nodes = s['nodes'].slice(0, 3)
  const names = new Set(nodes.map((n: Json) => n['name']))
  return {
    ...s,
    nodes,
    pods: s['pods'].filter((p: Json) => names.has(p['node'])),
    derived: s['derived'].filter((d: Json) => names.has(d['node'])),
    ...(s['mountinfo'] ? {mountinfo: s['mountinfo'].filter((d: Json) => names.has(d['node']))} : {}),
    ...(s['kubeletMetrics'] ? {kubeletMetrics: s['kubeletMetrics'].filter((d: Json) => names.has(d['node']))} : {}),
  }
}
let n = 0
function snapshotFile(edit: (s: Json) => void): string {
  const s = baseSnapshot()
  edit(s)
  const p = join(dir, `snap-${++n}.json`)
  writeFileSync(p, JSON.stringify(s))
  return p
}
async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(Error)
  return err as Error
}

describe('snapshot limits (defects 1, 2)', () => {
  it('loads the unedited base snapshot', async () => {
    expect((await readSnapshot(snapshotFile(() => {}))).nodes).toHaveLength(3)
  })
  it.each([
    [
      'maxPods 1e9',
      (s: Json) => s['nodes'].forEach((x: Json) => (x['capacity']['pods'] = x['allocatable']['pods'] = 1e9)),
      /nodes\.0\.capacity\.pods: 1000000000 is above the limit 33333/,
    ],
    [
      'estimatedHostMounts 1e7',
      (s: Json) => (s['derived'][0]['estimatedHostMounts'] = 1e7),
      /derived\.0\.estimatedHostMounts: 10000000 is above the limit 100000/,
    ],
    ['1e6 containers in a pod', (s: Json) => (s['pods'][0]['containers'] = 1e6), /pods\.0\.containers: 1000000 is above the limit 256/],
    [
      'containerMounts [1e9]',
      (s: Json) => (s['pods'][0]['profile']['containerMounts'] = [1e9]),
      /pods\.0\.profile\.containerMounts\.0: 1000000000 is above the limit 4096/,
    ],
    ['10,000,000 secret volumes', (s: Json) => (s['pods'][0]['volumes']['secret'] = 1e7), /pods\.0\.volumes\.secret: 10000000 is above the limit 100000/],
    ['startLatencyMs 1e300', (s: Json) => (s['pods'][0]['startLatencyMs'] = 1e300), /pods\.0\.startLatencyMs: 1e\+300 is above the limit/],
  ])('refuses %s with exit 2 naming the field, the value and the limit', async (_name, edit, message) => {
    const err = await rejection(readSnapshot(snapshotFile(edit)))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toMatch(message)
    expect(err.message).toContain('docs/limits.md')
  })
})

describe('contradictions in a snapshot (defect 4)', () => {
  it('refuses a node name listed twice, naming it', async () => {
    const err = await rejection(readSnapshot(snapshotFile((s) => s['nodes'].push({...s['nodes'][0], pool: 'other'}))))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toContain(`1 node name listed more than once: "${baseSnapshot()['nodes'][0]['name']}"`)
  })
  it('refuses pods on a node the snapshot does not list, counting them', async () => {
    const err = await rejection(
      readSnapshot(
        snapshotFile((s) => {
          for (let i = 0; i < 50; i++) s['pods'].push({...s['pods'][0], node: 'ghost'})
        }),
      ),
    )
    expect(err.message).toContain('50 pods on 1 node the snapshot does not list: "ghost"')
  })
  it("refuses one node's mountinfo captured under several file names", async () => {
    const mi = join(dir, 'mi-dupes')
    mkdirSync(mi)
    const capture = readFileSync(join(root, 'test/fixtures/real-world/mountinfo-host-crio-kubic-k8s1.22.txt'))
    for (const f of ['N', 'N.txt', 'N.mountinfo', 'M']) writeFileSync(join(mi, f), capture)
    const err = await rejection(readMountinfoDir(mi))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toContain('3 captures for node "N" (N, N.mountinfo, N.txt)')
  })
})

describe('pods on nodes missing from the node list in a live collect (defect 4)', () => {
  it('leaves them out with a warning so counts add up, and keeps unscheduled pods', async () => {
    const {podsOnListedNodes} = await import('../../src/app/collect.js')
    const s = baseSnapshot()
    const ghost = {...s['pods'][0], node: 'ghost'}
    const unscheduled = {...s['pods'][0], node: null}
    const warnings: string[] = []
    const kept = podsOnListedNodes([...s['pods'], ghost, ghost, unscheduled], s['nodes'], (w) => warnings.push(w))
    expect(kept).toHaveLength(s['pods'].length + 1)
    expect(warnings).toEqual(['2 pod(s) on 1 node(s) missing from the node list (nodes that joined or left while collecting) were left out'])
  })
})

describe('zero observed start latencies (defect 3)', () => {
  it('fits a positive median when most observed starts are 0 at one-second resolution', () => {
    const ms = [...Array(70).fill(0), ...Array(30).fill(1594.2)]
    const o = overheadFor(ms, [])
    expect(o.p50Ms).toBeGreaterThan(0)
    expect(o.p90Ms).toBeGreaterThan(o.p50Ms)
    expect(o.note).toContain('one-second timestamp resolution')
  })
})

describe('model file limits (defect 7)', () => {
  const fixture = readFileSync(join(root, 'test/fixtures/models/test-legacy.json'), 'utf8')
  const model = (edit: (m: Json) => void): Uint8Array => {
    const m = JSON.parse(fixture) as Json
    edit(m)
    return new TextEncoder().encode(JSON.stringify(m))
  }
  it('accepts the unedited fixture', () => {
    expect(
      parseModelBytes(
        model(() => {}),
        'm.json',
      ).model.kernel.hz,
    ).toBeGreaterThan(0)
  })
  it.each([
    ['hz 1e9', (m: Json) => (m['kernel']['hz'] = 1e9), /kernel\.hz: 1000000000 is above the limit 1000/],
    [
      'forkExecOverhead 1e18 ns',
      (m: Json) => (m['costs']['forkExecOverhead'] = {kind: 'fixed', ns: 1e18, source: m['costs']['attach']['source']}),
      /costs\.forkExecOverhead\.ns: 1000000000000000000 is above the limit 120000000000/,
    ],
    [
      'rcuGp median 1e300',
      (m: Json) => (m['costs']['rcuGp'] = {kind: 'lognormal', medianNs: 1e300, p90Ns: 1e300, source: m['costs']['attach']['source']}),
      /costs\.rcuGp\.medianNs: 1e\+300 is above the limit 21000000000/,
    ],
    [
      'cpuContention slowdown 1e300',
      (m: Json) =>
        (m['costs']['cpuContention'] = {
          points: [
            {busyCores: 1, slowdown: 1},
            {busyCores: 2, slowdown: 1e300},
          ],
          source: m['costs']['attach']['source'],
        }),
      /costs\.cpuContention\.points\.1\.slowdown: 1e\+300 is above the limit 4/,
    ],
    [
      'a lognormal with p90 below the median',
      (m: Json) => (m['costs']['wakeLatency'] = {kind: 'lognormal', medianNs: 5000, p90Ns: 1000, source: m['costs']['attach']['source']}),
      /costs\.wakeLatency\.p90Ns: p90Ns must be at least medianNs/,
    ],
    [
      'a copy shape ratio of 1e6',
      (m: Json) => (m['costs']['copy']['shape'] = {x: [22, 2022], ratio: [1, 1e6]}),
      /costs\.copy\.shape\.ratio\.1: 1000000 is above the limit 100/,
    ],
    [
      'a copy shape with its inputs out of order',
      (m: Json) => (m['costs']['copy']['shape'] = {x: [2022, 22], ratio: [1, 1]}),
      /costs\.copy\.shape: x must be strictly ascending/,
    ],
  ])('refuses %s, naming the field and the limit', (_name, edit, message) => {
    let err: unknown
    try {
      parseModelBytes(model(edit), 'm.json')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InputError)
    expect((err as Error).message).toMatch(message)
  })
})

describe('size limits on inputs (defect 8)', () => {
  it.each([
    ['--model /dev/zero', ['simulate', '--model', '/dev/zero'], /larger than 16 MiB/],
    ['--snapshot /dev/zero', ['analyze', '--snapshot', '/dev/zero', '--out', join(dir, 'zero.html')], /snapshot \/dev\/zero is not JSON|larger than/],
    ['a results file that is /dev/zero', ['report', '/dev/zero', '--out', join(dir, 'zero-report.html')], /larger than 256 MiB|not JSON/],
  ])('stops %s with exit 2 instead of reading it all', async (_name, args, message) => {
    const {stderr, error} = await runCommand(args)
    expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(2)
    expect(stderr).toMatch(message)
  })
  it('stops a mountinfo capture that is a symlink to /dev/zero', async () => {
    const mi = join(dir, 'mi-zero')
    mkdirSync(mi)
    symlinkSync('/dev/zero', join(mi, 'node-a'))
    const err = await rejection(readMountinfoDir(mi))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toContain('larger than 64 MiB')
  })
})

describe('mountinfo filesystem types (minor)', () => {
  it('keeps a type named other apart from the catch-all and counts __proto__', () => {
    const line = (id: number, type: string): string => `${id} 1 0:${id} / /m${id} rw - ${type} none rw`
    const types = ['__proto__', 'other', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const text = types.flatMap((t, i) => Array.from({length: 20 - i}, (_, k) => line(i * 100 + k, t))).join('\n')
    const r = summariseMountinfo('n', text)
    if (!('summary' in r)) throw new Error('expected a summary')
    expect(Object.getOwnPropertyDescriptor(r.summary.fsTypes, '__proto__')?.value).toBe(20)
    expect(r.summary.fsTypes['other']).toBe(19)
    const total = Object.values(r.summary.fsTypes).reduce((a, b) => a + b, 0)
    expect(total).toBe(r.summary.mounts)
  })
})

describe('CSV formulas (minor)', () => {
  it('neutralises cells that a spreadsheet would run as formulas, and leaves numbers alone', () => {
    expect(csvField('=1+1')).toBe(`'=1+1`)
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvField('@SUM(A1)')).toBe(`'@SUM(A1)`)
    expect(csvField(-5)).toBe('-5')
    expect(csvField('web')).toBe('web')
  })
})

describe('error messages (defect 10 and minor)', () => {
  it('redacts the password of a URL and tokens', () => {
    const d = describeError(
      new ClusterError('cannot list nodes: connection refused by https://admin:s3cr3tpass@127.0.0.1:6443 (Authorization: Bearer abc.def)', 'check it'),
    )
    expect(d.message).not.toContain('s3cr3tpass')
    expect(d.message).not.toContain('abc.def')
    expect(d.message).toContain('https://***@127.0.0.1:6443')
  })
  it('escapes terminal control sequences from inputs', () => {
    const d = describeError(new InputError('snapshot \u001b]0;pwned\u0007\u001b[2J.json does not exist', 'x'))
    expect([...d.message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
    expect(d.message).toContain('\\x1b]0;pwned\\x07\\x1b[2J')
  })
})

describe('outputs (defects 5, 9 and minor)', () => {
  const result = join(dir, 'result.json')
  it('has a result file to render (analyze of the base snapshot)', async () => {
    const {error} = await runCommand([
      'analyze',
      '--snapshot',
      snapshotFile(() => {}),
      '--format',
      'json',
      '--out',
      result,
      '--replications',
      '2',
      '--sweep-points',
      '2',
      '--burst-sizes',
      '1',
      '--jobs',
      '1',
    ])
    expect(error).toBeUndefined()
  })
  it('refuses a FIFO as --out even with --force, leaving it a FIFO', async () => {
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    const {stderr, error} = await runCommand(['report', result, '--out', fifo, '--force'])
    expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(2)
    expect(stderr).toContain('is not a regular file')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })
  it.each([
    ['a directory', () => dir, /is a directory/],
    ['an empty path', () => '', /output path is empty|--out expects a value/],
    ['a path under a regular file', () => join(result, 'x.html'), /cannot write .*not a directory \(ENOTDIR\)/],
  ])('reports --out naming %s as exit 2 with the path', async (_name, out, message) => {
    const {stderr, error} = await runCommand(['report', result, '--out', out(), '--force'])
    expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(2)
    expect(stderr).toMatch(message)
  })
  it('refuses an empty output path in the writer itself', async () => {
    const err = await rejection(atomicWrite.writeFileAtomic('', 'x'))
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toContain('output path is empty')
  })
  it('maps a full disk and a read-only file system to exit 2 with the path and the fix', () => {
    for (const code of ['ENOSPC', 'EROFS']) {
      const err = atomicWrite.asInputError(Object.assign(new Error(code), {code}), '/mnt/x/report.html')
      expect(err).toBeInstanceOf(InputError)
      expect((err as InputError).message).toContain(`cannot write /mnt/x/report.html`)
      expect((err as InputError).fix).toContain('--out')
    }
  })
  it('writes no format when a later one fails on a full disk, and says so with exit 2 (needs root: mounts a 256 KiB tmpfs)', async () => {
    // The HTML report (~1 MB, vega inlined) does not fit; the JSON (a few KB) does.
    const tiny = join(dir, 'tiny')
    mkdirSync(tiny)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', tiny])
    try {
      const {stderr, error} = await runCommand(['report', result, '--out', join(tiny, 'plan.json'), '--format', 'json,html'])
      expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(2)
      expect(stderr).toContain('the disk is full (ENOSPC)')
      expect(readdirSync(tiny)).toEqual([])
    } finally {
      execFileSync('umount', [tiny])
    }
  })
  it.each(['SIGINT', 'SIGTERM'] as const)('removes the temp file when %s arrives during a write', async (signal) => {
    const target = join(dir, `killed-${signal}.json`)
    const script = `import {writeFileAtomicWith} from ${JSON.stringify(join(root, 'dist', 'io', 'atomic-write.js'))}
await writeFileAtomicWith(${JSON.stringify(target)}, async (fh) => { await fh.write('partial'); process.stdout.write('writing\\n'); await new Promise(() => setInterval(() => {}, 1000)) })`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    expect(readdirSync(dir).some((f) => f.startsWith(`.killed-${signal}.json.`))).toBe(true)
    child.kill(signal)
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect(code).toBe(signal === 'SIGINT' ? 130 : 143)
    expect(readdirSync(dir).filter((f) => f.startsWith(`.killed-${signal}.json.`))).toEqual([])
    expect(existsSync(target)).toBe(false)
  })
  it('lets only one of two concurrent writers of the same --out succeed', async () => {
    for (let i = 0; i < 5; i++) {
      const out = join(dir, `race-${i}.csv`)
      const runs = await Promise.all([0, 1].map(() => runCommand(['report', result, '--out', out, '--format', 'csv'])))
      expect(runs.filter((r) => r.error === undefined)).toHaveLength(1)
    }
  })
  it('refuses a result with no node classes instead of a headline with nothing behind it', async () => {
    const empty = join(dir, 'empty-classes.json')
    writeFileSync(empty, JSON.stringify({...JSON.parse(readFileSync(result, 'utf8')), classes: []}))
    const {stderr, error} = await runCommand(['report', empty, '--out', join(dir, 'empty.html')])
    expect((error as {oclif?: {exit?: number}}).oclif?.exit).toBe(2)
    expect(stderr).toContain('no node classes')
  })
  it('caps a 100,000-character pool name in the HTML', async () => {
    const long = join(dir, 'long-names.json')
    const name = 'p'.repeat(100_000)
    const text = readFileSync(result, 'utf8').replaceAll('"web"', JSON.stringify(name))
    writeFileSync(long, text)
    const out = join(dir, 'long.html')
    const {error} = await runCommand(['report', long, '--out', out])
    expect(error).toBeUndefined()
    const html = readFileSync(out, 'utf8')
    expect(html).not.toContain('p'.repeat(1000))
    expect(html.length).toBeLessThan(text.length + 5_000_000)
  })
})
