import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import type {BothKernelsResult, KernelSimulationResult} from '../../src/domain/simulation.js'

// In-process runs of `densityplan simulate`, reading stdout JSON and the exit code. Scenarios
// are small (a few hundred starts) so the file stays fast on a shared 2-core machine.
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'models')
const legacyModel = join(fixtures, 'test-legacy.json')
const otnModel = join(fixtures, 'test-otn.json')
const models = ['--model', legacyModel, '--otn-model', otnModel]
const smallFlags: Record<string, string> = {workload: 'closed', concurrency: '4', starts: '120', replications: '2', model: legacyModel, 'otn-model': otnModel}

/** A small scenario's argv; a flag set to null is left out, a flag set to '' is a bare boolean. */
function argv(overrides: Record<string, string | null> = {}): string[] {
  const out: string[] = []
  for (const [flag, value] of Object.entries({...smallFlags, ...overrides})) {
    if (value === null) continue
    out.push(`--${flag}`)
    if (value !== '') out.push(value)
  }
  return out
}
const small = argv()
const scratch = mkdtempSync(join(tmpdir(), 'dp-simulate-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

async function run(args: string[]): Promise<{stdout: string; stderr: string; exit: number}> {
  const {stdout, stderr, error} = await runCommand(['simulate', ...args])
  const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
  return {stdout, stderr, exit}
}

async function json<T = KernelSimulationResult>(args: string[]): Promise<T> {
  const {stdout, exit} = await run([...args, '--json'])
  expect(exit).toBe(0)
  return JSON.parse(stdout)
}

const latencyKeys = ['p50', 'p90', 'p99', 'max', 'mean', 'ci95']

describe('densityplan simulate --json', () => {
  it('prints every documented key for one kernel path', async () => {
    const r = await json(argv({kernel: 'legacy', 'otn-model': null}))
    expect(Object.keys(r)).toEqual([
      'kernel',
      'model',
      'seed',
      'scenario',
      'containerStartMs',
      'podStartMs',
      'namespaceSem',
      'events',
      'wallMs',
      'eventsPerSecond',
    ])
    expect(r.kernel).toBe('legacy')
    expect(r.model.id).toBe('test-fixture-legacy')
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(r.scenario).toMatchObject({workload: 'closed', concurrency: 4, starts: 120, hostMounts: 1000, cores: 2, replications: 2})
    expect(Object.keys(r.containerStartMs)).toEqual(latencyKeys)
    expect(Object.keys(r.podStartMs ?? {})).toEqual(latencyKeys)
    expect(Object.keys(r.namespaceSem)).toEqual(['writeHoldMs', 'readHoldMs', 'waitMs', 'utilization'])
    const c = r.containerStartMs
    expect(c.p50).toBeGreaterThan(0)
    expect(c.p50).toBeLessThanOrEqual(c.p90)
    expect(c.p90).toBeLessThanOrEqual(c.p99)
    expect(c.p99).toBeLessThanOrEqual(c.max)
    expect(c.ci95.p99[0]).toBeLessThanOrEqual(c.ci95.p99[1])
    expect(r.namespaceSem.utilization).toBeGreaterThan(0)
    expect(r.namespaceSem.utilization).toBeLessThanOrEqual(1)
    expect(r.events).toBeGreaterThan(0)
    expect(r.eventsPerSecond).toBeCloseTo(r.events / (r.wallMs / 1000), -1)
  })

  it('prints byte-identical JSON when the same command runs twice', async () => {
    const args = [...small, '--seed', '7', '--json']
    const first = await run(args)
    const second = await run(args)
    expect(first.exit).toBe(0)
    expect(second.stdout).toBe(first.stdout)
  })

  it('changes the numbers when the seed changes', async () => {
    const a = await json<BothKernelsResult>([...small, '--kernel', 'both', '--seed', '1'])
    const b = await json<BothKernelsResult>([...small, '--kernel', 'both', '--seed', '2'])
    expect(b.legacy.containerStartMs).not.toEqual(a.legacy.containerStartMs)
  })

  it('reports legacy, otn and a speedup with --kernel both, where OTN is faster on a large mount table', async () => {
    const r = await json<BothKernelsResult>([...small, '--kernel', 'both', '--host-mounts', '3000'])
    expect(Object.keys(r)).toEqual(['legacy', 'otn', 'speedup'])
    expect(r.otn.kernel).toBe('otn')
    expect(r.otn.model.id).toBe('test-fixture-otn')
    expect(r.speedup.p50).toBeCloseTo(r.legacy.containerStartMs.p50 / r.otn.containerStartMs.p50, 2)
    expect(r.speedup.p50).toBeGreaterThan(1)
    expect(r.speedup.p99).toBeGreaterThan(1)
  })

  it('gives --kernel legacy the same numbers as the legacy half of --kernel both (same replication seeds)', async () => {
    const alone = await json(argv({kernel: 'legacy', 'otn-model': null, seed: '11'}))
    const both = await json<BothKernelsResult>(argv({kernel: 'both', seed: '11'}))
    expect(both.legacy).toEqual(alone)
  })

  it('makes legacy p50 grow with --host-mounts while OTN stays flat', async () => {
    const at = async (m: number) => json<BothKernelsResult>([...small, '--kernel', 'both', '--host-mounts', String(m), '--mountinfo-readers', '0'])
    const [few, many] = [await at(200), await at(4000)]
    expect(many.legacy.containerStartMs.p50).toBeGreaterThan(2 * few.legacy.containerStartMs.p50)
    expect(Math.abs(many.otn.containerStartMs.p50 - few.otn.containerStartMs.p50)).toBeLessThan(0.1 * few.otn.containerStartMs.p50)
  })

  it('has no pod figures for bare runtime starts (--no-pod)', async () => {
    const r = await json(argv({kernel: 'otn', 'no-pod': '', model: null}))
    expect(r.podStartMs).toBeNull()
    expect(r.scenario.pod).toBe(false)
    expect(r.containerStartMs.p50).toBeGreaterThan(0)
  })
})

describe('densityplan simulate --legacy-fallback', () => {
  it('moves OTN towards legacy as more containers fall back to the legacy path', async () => {
    const at = async (f: string) => json(argv({kernel: 'otn', model: null, 'host-mounts': '3000', 'legacy-fallback': f}))
    const [none, all] = [await at('0'), await at('1')]
    expect(all.scenario.legacyFallback).toBe(1)
    expect(all.containerStartMs.p50).toBeGreaterThan(2 * none.containerStartMs.p50)
  })
})

describe('densityplan simulate, human output', () => {
  it('prints a table per kernel path and the speedup, and the real elapsed time on stderr', async () => {
    const {stdout, stderr, exit} = await run([...small, '--kernel', 'both'])
    expect(exit).toBe(0)
    expect(stdout).toMatch(/container p50 ms/)
    expect(stdout).toMatch(/│ legacy +│ test-fixture-legacy/)
    expect(stdout).toMatch(/│ otn +│ test-fixture-otn/)
    expect(stdout).toMatch(/speedup legacy -> otn \(container start\): p50 [\d.]+x, p99 [\d.]+x/)
    expect(stderr).toMatch(/simulated in [\d.]+ s real time/)
  })
})

describe('densityplan simulate, bad input (exit 2, one line)', () => {
  async function failsWith(args: string[], message: RegExp): Promise<void> {
    const {stdout, exit} = await run([...args, '--json'])
    expect(exit).toBe(2)
    const err = JSON.parse(stdout).error
    expect(err.message).toMatch(message)
    expect(err.message).not.toContain('\n')
    expect(err.exitCode).toBe(2)
  }

  it('names the flag and range of an absurd number', async () => {
    await failsWith(argv({'host-mounts': '1e9'}), /^--host-mounts 1e9 is out of range: expected an integer from 0 to 500000$/)
    await failsWith(argv({cores: '0'}), /^--cores 0 is out of range/)
    await failsWith(argv({replications: '-1'}), /^--replications -1 is out of range/)
  })

  it('lists the valid values of an unknown kernel or workload', async () => {
    await failsWith([...small, '--kernel', 'newest'], /--kernel=newest to be one of: legacy, otn, both/)
    await failsWith(['--workload', 'storm'], /--workload=storm to be one of: burst, poisson, closed/)
  })

  it('refuses a duration without a unit', async () => {
    await failsWith(['--workload', 'poisson', '--duration', '30', ...models], /^--duration "30" is not a duration/)
  })

  function modelVariant(name: string, text: string): string {
    const p = join(scratch, name)
    writeFileSync(p, text)
    return p
  }
  const fixtureJson = () => JSON.parse(readFileSync(legacyModel, 'utf8'))

  it('names the problem in a model file that is not JSON', async () => {
    const p = modelVariant('broken.json', '{"apiVersion": ')
    await failsWith(argv({kernel: 'legacy', model: p, 'otn-model': null}), /broken\.json: not valid JSON/)
  })

  it('names the field of a model file with a wrong type', async () => {
    const m = fixtureJson()
    m.costs.pivot.perUnitNs = 'fast'
    const p = modelVariant('wrong-type.json', JSON.stringify(m))
    await failsWith(
      ['--kernel', 'both', '--model', p, '--otn-model', otnModel],
      /wrong-type\.json: costs\.pivot\.perUnitNs: .*expected number, received string/,
    )
  })

  it('names an unknown key in a model file', async () => {
    const m = fixtureJson()
    m.kernel.hertz = 250
    const p = modelVariant('unknown-key.json', JSON.stringify(m))
    await failsWith(['--kernel', 'both', '--model', p, '--otn-model', otnModel], /unknown-key\.json: kernel: Unrecognized key: "hertz"/)
  })

  it('refuses a model without OPEN_TREE_NAMESPACE for the otn path', async () => {
    await failsWith(['--kernel', 'otn', '--otn-model', legacyModel], /without OPEN_TREE_NAMESPACE, so it cannot run the otn path/)
  })
})
