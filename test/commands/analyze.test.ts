import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {AnalysisResultSchema, type AnalysisResult} from '../../src/domain/analysis.js'
import {generateSnapshot, type SyntheticClusterSpec} from '../../src/demo/generator.js'

// In-process runs of `densityplan analyze` on a small generated snapshot (two pools, small
// maxPods) so each run takes a second or two on a shared 2-core machine.
const scratch = mkdtempSync(join(tmpdir(), 'dp-analyze-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

const spec: SyntheticClusterSpec = {
  context: 'unit-cluster',
  collectedAt: '2026-11-20T09:00:00Z',
  seed: 11,
  pools: [
    {
      name: 'web',
      nodes: 4,
      cpuMilli: 3920,
      maxPods: 30,
      podsPerNode: 12,
      kind: 'web',
      observedStarts: true,
      images: [
        {share: 0.5, kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', cri: 'containerd://1.7.24'},
        {share: 0.5, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43', cri: 'cri-o://1.34.1'},
      ],
    },
    {
      name: 'iso',
      nodes: 2,
      cpuMilli: 3920,
      maxPods: 30,
      podsPerNode: 10,
      kind: 'userns',
      observedStarts: false,
      images: [{share: 1, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43', cri: 'cri-o://1.34.1'}],
    },
  ],
}
const snapshotPath = join(scratch, 'snapshot.json')
writeFileSync(snapshotPath, JSON.stringify(generateSnapshot(spec)))
const small = ['--snapshot', snapshotPath, '--replications', '2', '--sweep-points', '3', '--burst-sizes', '1,5', '--jobs', '1']
let outIndex = 0
const out = (ext = 'json'): string => join(scratch, `out-${++outIndex}.${ext}`)

async function run(args: string[]): Promise<{stdout: string; stderr: string; exit: number}> {
  const {stdout, stderr, error} = await runCommand(['analyze', ...args])
  const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
  return {stdout, stderr, exit}
}

describe('densityplan analyze', () => {
  let first: string
  it('prints a result that validates against the AnalysisResult schema with --json', async () => {
    const r = await run([...small, '--format', 'json', '--out', out(), '--json'])
    expect(r.exit).toBe(0)
    first = r.stdout
    const parsed = AnalysisResultSchema.safeParse(JSON.parse(r.stdout))
    expect(parsed.success).toBe(true)
    const result = parsed.data!
    expect(result.cluster).toEqual({name: 'unit-cluster', source: 'snapshot', nodeCount: 6, podCount: expect.any(Number)})
    expect(result.pools.map((p) => p.name)).toEqual(['iso', 'web'])
    expect(result.generatedAt).toBe('2026-11-20T09:00:00.000Z')
    expect(result.models.legacy.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('prints byte-identical JSON for the same snapshot and seed, and writes the same JSON file', async () => {
    const path = out()
    const again = await run([...small, '--format', 'json', '--out', path, '--json'])
    expect(again.stdout).toBe(first)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(first))
  })

  it('gives the same result on 2 worker threads as on 1', async () => {
    const two = await run([...small.slice(0, -2), '--jobs', '2', '--format', 'json', '--out', out(), '--json'])
    expect(two.exit).toBe(0)
    expect(two.stdout).toBe(first)
  })

  it('changes the result with another seed', async () => {
    const other = await run([...small, '--seed', '2', '--format', 'json', '--out', out(), '--json'])
    expect(other.stdout).not.toBe(first)
  })

  it('writes the report, prints a one-screen summary, then exits 4 when a --fail-on threshold is violated', async () => {
    const path = out('md')
    const r = await run([...small, '--format', 'md', '--out', path, '--fail-on', 'p99>1ms'])
    expect(r.exit).toBe(4)
    expect(existsSync(path)).toBe(true)
    expect(r.stdout).toMatch(/Overall: /)
    expect(r.stdout).toMatch(/Threshold violations/)
    expect(r.stderr).toMatch(/plan violates/)
    // Progress went to stderr (plain lines off a terminal), never into the summary on stdout.
    expect(r.stderr).toMatch(/simulating .* runs/)
    expect(r.stdout).not.toMatch(/simulating/)
    expect(r.stdout.split('\n').length).toBeLessThan(40)
  })

  it('with --json and a violated threshold still prints the result and exits 4', async () => {
    const r = await run([...small, '--format', 'json', '--out', out(), '--fail-on', 'p99>1ms', '--json'])
    expect(r.exit).toBe(4)
    const result = JSON.parse(r.stdout) as AnalysisResult
    expect(result.thresholds.violations.length).toBeGreaterThan(0)
  })

  it('keeps --json output free of progress output', async () => {
    const r = await run([...small, '--format', 'json', '--out', out(), '--json'])
    expect(r.stderr).not.toMatch(/simulating/)
  })

  it('refuses to overwrite an existing report without --force (exit 2)', async () => {
    const path = out()
    writeFileSync(path, 'keep me')
    const r = await run([...small, '--format', 'json', '--out', path])
    expect(r.exit).toBe(2)
    expect(r.stderr).toMatch(/already exist/)
    expect(readFileSync(path, 'utf8')).toBe('keep me')
  })

  it.each([
    [['--slo', 'soon'], /--slo soon is not a duration/],
    [['--fail-on', 'p99 over 5s'], /cannot read --fail-on/],
    [['--shard', '3/2'], /--shard 3\/2 is not i\/n/],
    [['--format', 'pdf'], /unknown format pdf/],
  ])('rejects bad input %j with one line and exit 2', async (extra, message) => {
    const r = await run([...small, '--out', out(), ...extra])
    expect(r.exit).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/Try this: /)
  })

  it('rejects burst sizes that are not pod counts (exit 2)', async () => {
    const r = await run(['--snapshot', snapshotPath, '--burst-sizes', '1,x', '--out', out()])
    expect(r.exit).toBe(2)
    expect(r.stderr).toMatch(/--burst-sizes 1,x is not a list of pod counts/)
  })

  it('carries hostile names through to the HTML as text and keeps control characters off the terminal', async () => {
    const evil = generateSnapshot({...spec, context: 'evil\u001b[2Jctx', pools: [{...spec.pools[1]!, name: '</script><script>alert(1)</script>', nodes: 1}]})
    for (const n of evil.nodes) n.name = `"><img src=x onerror=alert(1)>${n.name}`
    for (const d of evil.derived) d.node = `"><img src=x onerror=alert(1)>${d.node}`
    for (const p of evil.pods) {
      p.node = `"><img src=x onerror=alert(1)>${p.node}`
      p.namespace = '"><img src=x onerror=alert(1)>'
    }
    const path = join(scratch, 'evil.json')
    writeFileSync(path, JSON.stringify(evil))
    const html = out('html')
    const r = await run(['--snapshot', path, '--replications', '2', '--sweep-points', '2', '--burst-sizes', '1', '--jobs', '1', '--out', html])
    expect(r.exit).toBe(0)
    expect(r.stdout).not.toContain('\u001b')
    const text = readFileSync(html, 'utf8')
    expect(text).not.toContain('<script>alert(1)')
    expect(text).not.toContain('<img src=x')
  })

  it('names a missing snapshot file (exit 2)', async () => {
    const r = await run(['--snapshot', join(scratch, 'nope.json'), '--out', out()])
    expect(r.exit).toBe(2)
    expect(r.stderr).toMatch(/nope.json does not exist/)
  })

  it('analyzes only its shard of the node classes with --shard i/n, and --merge gives the unsharded result', async () => {
    const all = JSON.parse(first) as AnalysisResult
    const [p0, p1] = [out(), out()]
    const r0 = JSON.parse((await run([...small, '--shard', '0/2', '--format', 'json', '--out', p0, '--json'])).stdout) as AnalysisResult
    const r1 = JSON.parse((await run([...small, '--shard', '1/2', '--format', 'json', '--out', p1, '--json'])).stdout) as AnalysisResult
    const merged = await run(['--merge', p1, '--merge', p0, '--format', 'json', '--out', out(), '--json'])
    expect(merged.exit, merged.stdout + merged.stderr).toBe(0)
    expect(merged.stdout).toBe(first)
    const incomplete = await run(['--merge', p0, '--format', 'json', '--out', out()])
    expect(incomplete.exit).toBe(2)
    expect(incomplete.stderr).toMatch(/cannot merge: shard 1 of 2 missing/)
    expect(r0.shard).toEqual({index: 0, count: 2})
    expect([...r0.classes, ...r1.classes].map((c) => c.id).sort()).toEqual(all.classes.map((c) => c.id))
    // Shard classes are the very same results as in the full run: merging needs no re-simulation.
    expect(r0.classes).toEqual(all.classes.filter((c) => r0.classes.some((x) => x.id === c.id)))
  })
})
