import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {AnalysisResultSchema, type AnalysisResult} from '../../src/domain/analysis.js'
import {generateSnapshot, type SyntheticClusterSpec} from '../../src/demo/generator.js'
import type {KernelModel} from '../../src/model/schema.js'

// `analyze --models DIR` on a small generated snapshot: one pool on Linux 6.8 and one on 7.0,
// 4-core nodes; the directory holds fixture models measured on other kernels and core counts.
const scratch = mkdtempSync(join(tmpdir(), 'dp-analyze-models-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

const spec: SyntheticClusterSpec = {
  context: 'models-cluster',
  collectedAt: '2026-11-20T09:00:00Z',
  seed: 5,
  pools: [
    {
      name: 'old',
      nodes: 2,
      cpuMilli: 3920,
      maxPods: 30,
      podsPerNode: 12,
      kind: 'web',
      observedStarts: true,
      images: [{share: 1, kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', cri: 'containerd://1.7.24'}],
    },
    {
      name: 'new',
      nodes: 2,
      cpuMilli: 3920,
      maxPods: 30,
      podsPerNode: 12,
      kind: 'web',
      observedStarts: true,
      images: [{share: 1, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43', cri: 'cri-o://1.34.1'}],
    },
  ],
}
const snapshotPath = join(scratch, 'snapshot.json')
writeFileSync(snapshotPath, JSON.stringify(generateSnapshot(spec)))
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'models')
const legacyFixture = JSON.parse(readFileSync(join(fixtures, 'test-legacy.json'), 'utf8')) as KernelModel

/** A directory with the fixture OTN model, the fixture legacy model (6.18, 2 cores) and `extra`. */
function modelDir(name: string, extra: KernelModel[]): string {
  const dir = join(scratch, name)
  mkdirSync(dir)
  copyFileSync(join(fixtures, 'test-otn.json'), join(dir, 'test-otn.json'))
  copyFileSync(join(fixtures, 'test-legacy.json'), join(dir, 'test-legacy.json'))
  for (const m of extra) writeFileSync(join(dir, `${m.id}.json`), JSON.stringify(m))
  return dir
}

/** The legacy fixture as if measured on Linux 6.8 with 4 cores, with copy's per-unit cost ±`spread` around its value. */
function sixEightFourCores(id: string, spread?: number): KernelModel {
  const copy = legacyFixture.costs.copy
  const withSpread =
    spread === undefined
      ? {}
      : {
          spread: {
            fixedNs: {low: copy.fixedNs, high: copy.fixedNs},
            perUnitNs: {low: copy.perUnitNs * (1 - spread), high: copy.perUnitNs * (1 + spread)},
            method: 'test',
          },
        }
  return {
    ...legacyFixture,
    id,
    kernel: {...legacyFixture.kernel, release: '6.8.0-1019-aws'},
    provenance: {...legacyFixture.provenance, kernel: '6.8.0-1019-aws', cores: 4},
    costs: {...legacyFixture.costs, copy: {...copy, ...withSpread}},
  }
}

const small = ['--snapshot', snapshotPath, '--replications', '2', '--sweep-points', '3', '--burst-sizes', '1,5', '--jobs', '1', '--format', 'json', '--json']
let n = 0
async function analyze(args: string[]): Promise<{result?: AnalysisResult; stderr: string; exit: number}> {
  const {stdout, stderr, error} = await runCommand(['analyze', ...small, '--out', join(scratch, `out-${++n}.json`), ...args])
  const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
  return {result: exit === 0 ? AnalysisResultSchema.parse(JSON.parse(stdout)) : undefined, stderr, exit}
}

const poolClass = (r: AnalysisResult, pool: string) => r.classes.find((c) => c.pool === pool)!

describe('densityplan analyze --models DIR', () => {
  it('gives each class the model that matches its kernel and cores, and flags a class on other hardware as an assumption', async () => {
    const {result, exit} = await analyze(['--models', modelDir('match', [sixEightFourCores('linux-6.8-4c')])])
    expect(exit).toBe(0)
    const old = poolClass(result!, 'old').model!.legacy
    expect(old).toMatchObject({id: 'linux-6.8-4c', mismatches: [], otherHardware: false, cpuCompared: false})
    // The 7.0 pool's legacy path: no 7.0 legacy model, so the 4-core 6.8 one (cores match), flagged for its kernel.
    const fresh = poolClass(result!, 'new').model!.legacy
    expect(fresh).toMatchObject({id: 'linux-6.8-4c', otherHardware: true})
    expect(fresh.mismatches.map((m) => m.field)).toEqual(['kernel'])
    const flagged = result!.assumptions.filter((a) => a.id.endsWith('/hardware'))
    expect(flagged.map((a) => a.id)).toContain(`model/${poolClass(result!, 'new').id}/legacy/hardware`)
    expect(flagged.map((a) => a.id)).not.toContain(`model/${poolClass(result!, 'old').id}/legacy/hardware`)
    expect(flagged.find((a) => a.id.includes('/legacy/'))!.text).toMatch(/kernel 6\.8\.0-1019-aws vs the nodes' 7\.0\.4/)
  })

  it('shows the model of every class in the Markdown provenance, marking the mismatched ones', async () => {
    const dir = modelDir('markdown', [sixEightFourCores('linux-6.8-4c')])
    const path = join(scratch, 'report.md')
    const {error} = await runCommand([
      'analyze',
      ...small.filter((a) => a !== '--json' && a !== 'json' && a !== '--format'),
      '--format',
      'md',
      '--models',
      dir,
      '--out',
      path,
    ])
    expect(error).toBeUndefined()
    const md = readFileSync(path, 'utf8')
    const table = md.slice(md.indexOf('### Kernel model per node class'))
    expect(table.split('\n').filter((l) => l.includes('linux-6.8-4c'))).toHaveLength(2)
    expect(table).toMatch(/\*\*assumption\*\*: other hardware: kernel 6\.8\.0-1019-aws/)
    // The sensitivity panel of the 7.0 pool names its class's model from other hardware; the 6.8 pool's matches, so no line.
    const panel = md.slice(md.indexOf('## Sensitivity'), md.indexOf('## Max pods per node'))
    const poolSection = (name: string) => panel.slice(panel.indexOf(`### ${name}`)).split('\n### ')[0]!
    expect(poolSection('new')).toMatch(
      /Kernel model \(assumption, not varied above\):\s+- new-\w+, legacy path, model linux-6\.8-4c: measured on other hardware \(kernel 6\.8\.0-1019-aws vs the nodes' 7\.0\.4/,
    )
    expect(poolSection('old')).not.toMatch(/legacy path, model linux-6\.8-4c/)
  })

  it("carries a wider calibration spread into a wider p99 interval at today's density, around the same answer", async () => {
    const narrow = await analyze(['--models', modelDir('narrow', [sixEightFourCores('linux-6.8-4c', 0.05)])])
    const wide = await analyze(['--models', modelDir('wide', [sixEightFourCores('linux-6.8-4c', 0.6)])])
    const a = poolClass(narrow.result!, 'old')
    const b = poolClass(wide.result!, 'old')
    expect(b.results.legacy.today.podStart.p99Ms).toBe(a.results.legacy.today.podStart.p99Ms)
    const [nl, nh] = a.model!.legacy.spread!.p99TodayMs
    const [wl, wh] = b.model!.legacy.spread!.p99TodayMs
    expect(wh - wl).toBeGreaterThan(nh - nl)
    expect(wl).toBeLessThanOrEqual(nl)
    expect(wh).toBeGreaterThanOrEqual(nh)
    expect(b.model!.legacy.spread!.widestCoefficient).toBe('copy.perUnitNs')
  })

  it('gives the same bytes on 2 worker threads as on 1 with per-class models and spreads', async () => {
    const dir = modelDir('jobs', [sixEightFourCores('linux-6.8-4c', 0.3)])
    const one = await runCommand(['analyze', ...small, '--models', dir, '--out', join(scratch, 'jobs-1.json')])
    const two = await runCommand([
      'analyze',
      ...small.map((a, i) => (small[i - 1] === '--jobs' ? '2' : a)),
      '--models',
      dir,
      '--out',
      join(scratch, 'jobs-2.json'),
    ])
    expect(one.error).toBeUndefined()
    expect(two.stdout).toBe(one.stdout)
    expect(JSON.parse(one.stdout).classes.some((c: AnalysisResult['classes'][number]) => c.model?.legacy.spread)).toBe(true)
  })

  it('names a missing --models directory (exit 2)', async () => {
    const {stderr, error} = await runCommand(['analyze', '--snapshot', snapshotPath, '--models', join(scratch, 'nope'), '--out', join(scratch, 'never.json')])
    expect((error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit).toBe(2)
    expect(stderr).toMatch(/--models .*nope: no such directory/)
  })
})
