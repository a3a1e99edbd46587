import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {chooseModel, scoreModel} from '../../src/analyze/model-choice.js'
import {KernelModelSchema, type KernelModel} from '../../src/model/schema.js'

const dir = join(import.meta.dirname, '..', 'fixtures', 'models')
const base = KernelModelSchema.parse(JSON.parse(readFileSync(join(dir, 'test-legacy.json'), 'utf8')))
const otnBase = KernelModelSchema.parse(JSON.parse(readFileSync(join(dir, 'test-otn.json'), 'utf8')))

/** A legacy model measured on the given kernel, CPU and cores. */
function model(id: string, kernel: string, cpu: string, cores: number, over: Partial<KernelModel['provenance']> = {}): {model: KernelModel; name: string} {
  return {name: id, model: {...base, id, kernel: {...base.kernel, release: kernel}, provenance: {...base.provenance, kernel, cpu, cores, ...over}}}
}

describe('chooseModel', () => {
  const node = {kernel: '6.8.0-1021-aws', cores: 8, cpu: 'Intel Xeon Platinum 8375C'}

  it('ranks the kernel major.minor above the CPU, and the CPU above the core count', () => {
    const kernelOnly = model('kernel-only', '6.8.12', 'AMD EPYC', 2)
    const cpuAndCores = model('cpu-and-cores', '6.18.4', 'Intel Xeon Platinum 8375C', 8)
    expect(chooseModel([cpuAndCores, kernelOnly], node, 'legacy')!.chosen.name).toBe('kernel-only')
    const cpuOnly = model('cpu-only', '6.18.4', 'Intel  Xeon Platinum 8375C ', 2)
    const coresOnly = model('cores-only', '6.18.4', 'AMD EPYC', 8)
    expect(chooseModel([coresOnly, cpuOnly], node, 'legacy')!.chosen.name).toBe('cpu-only')
  })

  it('lists no mismatch for a model of the same kernel minor, CPU and cores, and each difference otherwise', () => {
    const same = chooseModel([model('same', '6.8.0-1019-aws', 'Intel Xeon Platinum 8375C', 8)], node, 'legacy')!
    expect(same.mismatches).toEqual([])
    const other = chooseModel([model('other', '6.18.44', 'AMD EPYC', 2)], node, 'legacy')!
    expect(other.mismatches.map((m) => m.field)).toEqual(['kernel', 'cpu', 'cores'])
    expect(other.mismatches[2]).toEqual({field: 'cores', model: '2', node: '8'})
  })

  it('among equal matches, prefers the nearer core count, then the newer measurement, whatever the order given', () => {
    const four = model('four', '6.8.1', 'AMD EPYC', 4)
    const two = model('two', '6.8.1', 'AMD EPYC', 2)
    expect(chooseModel([two, four], node, 'legacy')!.chosen.name).toBe('four')
    const old = model('old', '6.8.1', 'AMD EPYC', 4, {date: '2025-01-01'})
    const recent = model('recent', '6.8.1', 'AMD EPYC', 4, {date: '2026-06-01'})
    expect(chooseModel([recent, old], node, 'legacy')!.chosen.name).toBe('recent')
    expect(chooseModel([old, recent], node, 'legacy')!.chosen.name).toBe('recent')
  })

  it('cannot compare an unknown CPU model, but flags another architecture as another CPU', () => {
    const m = model('amd64', '6.8.1', 'AMD EPYC', 8, {arch: 'amd64'})
    const unknown = scoreModel(m.model, {kernel: '6.8.0', cores: 8, arch: 'amd64'}, 'legacy')
    expect(unknown).toMatchObject({cpuCompared: false, mismatches: []})
    const arm = scoreModel(m.model, {kernel: '6.8.0', cores: 8, arch: 'arm64'}, 'legacy')
    expect(arm.cpuCompared).toBe(true)
    expect(arm.mismatches.map((x) => x.field)).toEqual(['cpu'])
  })

  it("counts a model measured on one of the class's own nodes (calibrate --node) as the same CPU", () => {
    const node = {
      name: 'ip-10-0-1-7',
      kubeletVersion: 'v1.34.1',
      containerRuntimeVersion: 'containerd://2.1.4',
      osImage: 'x',
      architecture: 'amd64',
      image: 'busybox',
      runtimeOverhead: 'node-fork-exec' as const,
    }
    const fromNode = model('from-node', '6.8.0-1021-aws', 'Intel Xeon', 8, {node})
    const elsewhere = model('elsewhere', '6.8.0-1021-aws', 'AMD EPYC', 8)
    const mine = {kernel: '6.8.0-1021-aws', cores: 8, arch: 'amd64', nodeNames: ['ip-10-0-1-7', 'ip-10-0-1-8']}
    const c = chooseModel([elsewhere, fromNode], mine, 'legacy')!
    expect(c.chosen.name).toBe('from-node')
    expect(c).toMatchObject({cpuCompared: true, mismatches: []})
    expect(scoreModel(fromNode.model, {...mine, nodeNames: ['other'], arch: 'arm64'}, 'legacy').mismatches.map((m) => m.field)).toEqual(['cpu'])
  })

  it('on the OTN path compares the kernel only for classes already on a kernel with OPEN_TREE_NAMESPACE', () => {
    const otn = {name: 'otn', model: {...otnBase, provenance: {...otnBase.provenance, cores: 8}}}
    expect(chooseModel([otn], {kernel: '6.8.0-1021-aws', cores: 8}, 'otn')!.mismatches).toEqual([])
    // The fixture models Linux 7.1.5.
    expect(chooseModel([otn], {kernel: '7.1.2', cores: 8}, 'otn')!.mismatches).toEqual([])
    expect(chooseModel([otn], {kernel: '7.0.4-200.fc43.x86_64', cores: 8}, 'otn')!.mismatches.map((m) => m.field)).toEqual(['kernel'])
  })

  it('offers no legacy model for the OTN path and none of the OTN path for legacy', () => {
    expect(chooseModel([model('legacy', '6.8.1', 'x', 8)], node, 'otn')).toBeUndefined()
    expect(chooseModel([{name: 'otn', model: otnBase}], node, 'legacy')).toBeUndefined()
  })
})
