import {describe, expect, it} from 'vitest'
import {
  buildCosts,
  cpuContention,
  linearSpread,
  measuredShape,
  modelledStartStepsNs,
  nonMountSamplesNs,
  repetitionGroups,
  runtimePerMount,
  type Measurements,
} from '../../src/model/calibrate-model.js'
import {withRuntimePerMount} from '../../src/app/validate.js'
import {fitLinearOnMedians} from '../../src/stats/fit.js'
import {costAtNs} from '../../src/model/linear-cost.js'
import {KernelModelSchema, MOUNTINFO_LINES_PER_CHUNK} from '../../src/model/schema.js'

// Synthetic measurements with known coefficients: what calibrate must recover from them.
const line = (fixedNs: number, perUnitNs: number, xs: number[], reps = 5) =>
  xs.flatMap((x) => Array.from({length: reps}, (_, r) => ({x, ns: fixedNs + perUnitNs * x + (r - 2) * 10})))

function synthetic(): Measurements {
  return {
    commands: {},
    copy: line(40_000, 700, [21, 1021, 2021, 4021]),
    chtype: line(10_000, 120, [21, 1021, 2021, 4021]),
    pivot: line(20_000, 300, [100, 600, 1600]),
    umount: line(150_000, 400, [21, 1021, 2021, 4021]),
    attach: [10_000, 11_000, 12_000],
    detachLazyCpu: [100_000, 100_000, 100_000],
    detachLazyWall: [300_000, 340_000, 360_000],
    moveAttach: [5_000, 6_000, 7_000],
    teardown: line(30_000, 250, [1, 16, 64, 128]),
    dclone: line(20_000, 800, [1, 16, 64, 128]),
    otc: line(60_000, 1000, [1, 16, 64, 128]),
    otn: [],
    mountinfo: line(3_000, 400, [3, 6, 13, 25, 50]),
    prop: line(8_000, 500, [0, 16, 64]),
    wake: [3_000, 4_000, 50_000],
    forkExec: [5e6, 6e6],
    // Two cores: 4 ms per spawn alone, 8 ms with both loops busy (one preempted outlier each).
    contention: [
      {x: 1, ns: 4e6},
      {x: 2, ns: 8e6},
      {x: 2, ns: 8.2e6},
      {x: 1, ns: 4.1e6},
      {x: 1, ns: 9e6},
      {x: 2, ns: 7.8e6},
    ],
    crun: {version: 'crun version 1.8.1', startNs: [30e6, 35e6, 40e6], mounts: 22, threads: 200, containerMounts: 16},
  }
}

describe('buildCosts', () => {
  it('recovers the synthetic slopes and intercepts of every linear cost', () => {
    const {costs} = buildCosts(synthetic())
    expect(costs.copy.perUnitNs).toBeCloseTo(700, 1)
    expect(costs.copy.fixedNs).toBeCloseTo(40_000, -1)
    expect(costs.pivot.perUnitNs).toBeCloseTo(300, 1)
    expect(costs.teardown.perUnitNs).toBeCloseTo(250, 1)
    expect(costs.mountinfoChunk.perUnitNs).toBeCloseTo(400, 1)
    expect(costs.propPerPeer.ns).toBeCloseTo(500, 1)
  })

  it('charges the grace period once: umount intercept minus the one-mount detach CPU time, rcuGp from wall times', () => {
    const {costs} = buildCosts(synthetic())
    expect(costs.umount.fixedNs).toBeCloseTo(50_000, -1)
    expect(costs.rcuGp.kind === 'empirical' && costs.rcuGp.samplesNs).toEqual([300_000, 340_000, 360_000])
  })

  it('scales the OPEN_TREE_CLONE stand-in by the reference ratio and says so', () => {
    const {costs} = buildCosts(synthetic(), {ratio: 0.7, ratioP25: 0.5, ratioP75: 0.9, cells: 63, file: 'ref.csv', kernel: '7.1.5'})
    expect(costs.otn.perUnitNs).toBeCloseTo(700, 1)
    expect(costs.otn.fixedNs).toBeCloseTo(42_000, -1)
    expect(costs.otn.source.note).toMatch(/× 0\.7 .*7\.1\.5/)
  })

  it('takes forkExecOverhead from crun wall time minus the modelled mount steps', () => {
    const {costs} = buildCosts(synthetic())
    const steps = modelledStartStepsNs(costs, 22, 200, 16)
    expect(costs.forkExecOverhead.kind === 'empirical' && costs.forkExecOverhead.samplesNs).toEqual(nonMountSamplesNs([30e6, 35e6, 40e6], steps))
    expect(steps).toBeGreaterThan(2 * 340_000)
    expect(steps).toBeLessThan(2e6)
  })

  it('falls back to the fork/exec baseline without crun, and notes it', () => {
    const m = synthetic()
    delete m.crun
    const {costs, notes} = buildCosts(m)
    expect(costs.forkExecOverhead.kind === 'empirical' && costs.forkExecOverhead.samplesNs).toEqual([5e6, 6e6])
    expect(notes.join(' ')).toMatch(/crun not available/)
  })

  it('gives copy, chtype and umount their measured shape: the cost passes through each measured median', () => {
    // A copy that costs more per mount in a bigger table: 1,500 ns per mount up to 2,021 mounts,
    // 2,200 beyond (the shape measured on this VM, docs/calibrate.md).
    const m = synthetic()
    const convex = (x: number) => (x <= 2021 ? 1_500 * x : 1_500 * 2021 + 2_200 * (x - 2021))
    m.copy = [21, 1021, 2021, 4021, 8021].flatMap((x) => Array.from({length: 5}, (_, r) => ({x, ns: convex(x) + (r - 2) * 10})))
    const {costs} = buildCosts(m)
    expect(costs.copy.shape?.x).toEqual([21, 1021, 2021, 4021, 8021])
    for (const x of [1021, 2021, 4021, 8021]) expect(costAtNs(costs.copy, x) / convex(x)).toBeCloseTo(1, 3)
    // The line alone is off by more than 10 % at 1,021 mounts; the shaped cost is on the data there.
    const line = costs.copy.fixedNs + costs.copy.perUnitNs * 1021
    expect(Math.abs(line / convex(1021) - 1)).toBeGreaterThan(0.1)
    expect(costs.chtype.shape?.ratio.every((r) => Math.abs(r - 1) < 0.01)).toBe(true)
    // Costs measured elsewhere, or of another kind, stay lines.
    for (const name of ['pivot', 'teardown', 'mountinfoChunk', 'otn', 'dclone'] as const) expect(costs[name].shape).toBeUndefined()
  })

  it("measures umount's shape after the detach CPU time the model charges through rcuGp", () => {
    const {costs} = buildCosts(synthetic())
    // Synthetic umount: 150,000 + 400·x, of which 100,000 is the one-mount detach's CPU time.
    for (const x of [21, 1021, 2021, 4021]) expect(costAtNs(costs.umount, x)).toBeCloseTo(50_000 + 400 * x, -1)
  })

  it('has no shape where a median or the line is not positive', () => {
    expect(
      measuredShape(
        [
          {x: 0, ns: 10},
          {x: 10, ns: 30},
        ],
        0,
        {fixedNs: 0, perUnitNs: 2},
      ),
    ).toBeUndefined()
    expect(measuredShape([{x: 1, ns: 10}], 0, {fixedNs: 0, perUnitNs: 2})).toBeUndefined()
    expect(
      measuredShape(
        [
          {x: 5, ns: 10},
          {x: 10, ns: 30},
        ],
        0,
        {fixedNs: 0, perUnitNs: 2},
      ),
    ).toEqual({x: [5, 10], ratio: [1, 1.5]})
  })

  it('produces costs the model schema accepts', () => {
    const {costs} = buildCosts(synthetic())
    const model = {
      apiVersion: 'densityplan.dev/v1alpha1',
      kind: 'KernelModel',
      id: 'linux-6.18-legacy',
      path: 'legacy',
      kernel: {release: '6.18.0', openTreeNamespace: false, hz: 250},
      provenance: {kernel: '6.18.0', cpu: 'x', cores: 2, date: '2026-11-29', tool: 't', method: 'm', notes: []},
      costs,
    }
    expect(KernelModelSchema.safeParse(model).success).toBe(true)
  })
})

describe('nonMountSamplesNs', () => {
  it('subtracts the steps from every start, never below zero, sorted', () => {
    expect(nonMountSamplesNs([5, 30, 10], 8)).toEqual([0, 2, 22])
  })

  it("takes out a start's off-CPU time beyond the median start's, which the model charges itself", () => {
    // Off-CPU: 1, 2, 12 (median 2): the third start loses 10; the first loses nothing (below the median).
    expect(nonMountSamplesNs([11, 12, 22], 5, [10, 10, 10])).toEqual([6, 7, 7])
  })

  it('ignores CPU times that do not match the starts one to one', () => {
    expect(nonMountSamplesNs([11, 12, 22], 5, [10, 10])).toEqual([6, 7, 17])
  })
})

describe('cpuContention', () => {
  it('is the median CPU per spawn at each busy-core count over the median with one, starting at exactly 1', () => {
    const {costs} = buildCosts(synthetic())
    expect(costs.cpuContention?.points.map(({busyCores, slowdown}) => ({busyCores, slowdown}))).toEqual([
      {busyCores: 1, slowdown: 1},
      {busyCores: 2, slowdown: 1.951}, // 8.0 ms / 4.1 ms
    ])
    expect(costs.cpuContention?.source.samples).toBe(6)
  })

  it('clamps a slowdown below 1 to 1 and says so in the note', () => {
    const c = cpuContention(
      [
        {x: 1, ns: 5e6},
        {x: 2, ns: 4.5e6},
        {x: 1, ns: 5e6},
        {x: 2, ns: 4.6e6},
      ],
      'dp-probe contention',
    )
    expect(c.points[1]).toMatchObject({busyCores: 2, slowdown: 1})
    expect(c.source.note).toMatch(/clamped to 1 .*slowdown at 2 busy cores 0\.9/)
    expect(KernelModelSchema.shape.costs.shape.cpuContention.safeParse(c).success).toBe(true)
  })

  it('keeps the lowest and highest single repetition as the slowdown spread, around the median', () => {
    const c = cpuContention(
      [
        {x: 1, ns: 4e6},
        {x: 2, ns: 8e6},
        {x: 1, ns: 4e6},
        {x: 2, ns: 10e6},
        {x: 1, ns: 4e6},
        {x: 2, ns: 9e6},
      ],
      'dp-probe contention',
    )
    expect(c.points[1]).toEqual({busyCores: 2, slowdown: 2.25, low: 2, high: 2.5})
  })

  it('refuses a curve with a busy-core count missing, rather than inventing it', () => {
    expect(() =>
      cpuContention(
        [
          {x: 1, ns: 1e6},
          {x: 3, ns: 3e6},
        ],
        'dp-probe contention',
      ),
    ).toThrow(/2 busy cores/)
  })
})

describe('coefficient spread', () => {
  it('deals the repetitions of each input into three interleaved groups, in measurement order', () => {
    const pts = [1, 2, 1, 1, 2, 1, 2].map((x, i) => ({x, ns: i}))
    expect(repetitionGroups(pts).map((g) => g.map((p) => p.ns))).toEqual([
      [0, 1, 5],
      [2, 4],
      [3, 6],
    ])
  })

  it('spans the per-group fits: a run whose last repetitions ran 30% slower shows a 30% wider per-unit range', () => {
    // Repetitions 0..5 per x: group 2 (repetitions 2 and 5) is 30% slower than the rest.
    const pts = [0, 1000, 2000].flatMap((x) => Array.from({length: 6}, (_, r) => ({x, ns: (1000 + 100 * x) * (r % 3 === 2 ? 1.3 : 1)})))
    const spread = linearSpread(pts, fitLinearOnMedians(pts))!
    expect(spread.perUnitNs.low).toBeCloseTo(100, 3)
    expect(spread.perUnitNs.high).toBeCloseTo(130, 3)
    expect(spread.fixedNs).toEqual({low: 1000, high: 1300})
  })

  it('fits pivot_root through trimmed means, so a near-even mix of a warm and a cold walk does not flip its slope', () => {
    // At 2,000 threads, 11 walks at 200 ns/thread (cold) and 9 at 100 (warm); at 0 threads, 20 ms flat.
    const pivot = [
      ...Array.from({length: 20}, () => ({x: 0, ns: 20_000})),
      ...Array.from({length: 20}, (_, i) => ({x: 2000, ns: 20_000 + (i < 9 ? 100 : 200) * 2000})),
    ]
    const {costs} = buildCosts({...synthetic(), pivot})
    // The median would sit on the cold mode (200); 10% trimmed: 7 warm + 9 cold of the middle 16.
    expect(fitLinearOnMedians(pivot).perUnitNs).toBeCloseTo(200, 6)
    expect(costs.pivot.perUnitNs).toBeCloseTo((7 * 100 + 9 * 200) / 16, 3)
    expect(costs.pivot.source.note).toMatch(/trimmed means/)
  })

  it('puts a spread on every fitted linear and constant cost, containing the value itself', () => {
    const {costs} = buildCosts(synthetic())
    for (const name of ['copy', 'chtype', 'pivot', 'umount', 'teardown', 'dclone', 'otn'] as const) {
      const c = costs[name]
      expect(c.spread, name).toBeDefined()
      expect(c.spread!.perUnitNs.low, name).toBeLessThanOrEqual(c.perUnitNs)
      expect(c.spread!.perUnitNs.high, name).toBeGreaterThanOrEqual(c.perUnitNs)
    }
    expect(costs.attach.spread?.ns).toEqual({low: 10_000, high: 12_000})
  })
})

describe('runtimePerMount', () => {
  it("is the growth of crun's start between two mount counts minus what the simulator already charges for them, per mount", () => {
    const m = synthetic()
    const {costs} = buildCosts(m)
    const k = m.crun!.containerMounts
    const charged =
      modelledStartStepsNs(costs, 4022, 200, k) -
      modelledStartStepsNs(costs, 22, 200, k) +
      4000 * (costs.chtype.perUnitNs + costs.mountinfoChunk.fixedNs / MOUNTINFO_LINES_PER_CHUNK + costs.mountinfoChunk.perUnitNs)
    // The runtime's CPU per start grows 1,500 ns/mount more than that (wall times are not used).
    const cpu22 = [20e6, 21e6, 22e6]
    const cpu4022 = cpu22.map((ns) => ns + charged + 1500 * 4000)
    const per = runtimePerMount(
      {...m, crun: {...m.crun!, cpuNs: cpu22, atMounts: {startNs: [1e9, 1e9, 1e9], cpuNs: cpu4022, mounts: 4022, threads: 200}}},
      costs,
    )!
    expect(per.ns).toBeCloseTo(1500, 0)
    expect(per.spread!.ns.low).toBeLessThanOrEqual(per.ns)
    expect(per.spread!.ns.high).toBeGreaterThanOrEqual(per.ns)
  })

  it('clamps a negative difference (noise) to 0 and says so', () => {
    const m = synthetic()
    const {costs} = buildCosts(m)
    const per = runtimePerMount(
      {...m, crun: {...m.crun!, cpuNs: [20e6, 21e6, 22e6], atMounts: {startNs: [1e9, 1e9, 1e9], cpuNs: [1e6, 1e6, 1e6], mounts: 4022, threads: 200}}},
      costs,
    )!
    expect(per.ns).toBe(0)
    expect(per.source.note).toMatch(/negative .*clamped to 0/)
  })

  it("is added to every runtime-overhead sample in validate for the mounts above the overhead's own", () => {
    const {costs} = buildCosts(synthetic())
    const model = {
      apiVersion: 'densityplan.dev/v1alpha1',
      kind: 'KernelModel',
      id: 'x',
      path: 'legacy',
      kernel: {release: '6.18.0', openTreeNamespace: false, hz: 250},
      provenance: {kernel: '6.18.0', cpu: 'x', cores: 2, date: 'd', tool: 't', method: 'm', notes: []},
      costs: {
        ...costs,
        forkExecOverhead: {kind: 'empirical', samplesNs: [10e6, 12e6], source: {command: 'c', samples: 2}},
        runtimePerMount: {ns: 1000, source: {command: 'c', samples: 3}},
      },
    } as const
    const shifted = KernelModelSchema.parse(withRuntimePerMount(KernelModelSchema.parse(model), 4000))
    expect(shifted.costs.forkExecOverhead.kind === 'empirical' && shifted.costs.forkExecOverhead.samplesNs).toEqual([14e6, 16e6])
    expect(withRuntimePerMount(KernelModelSchema.parse(model), 0).costs.forkExecOverhead).toEqual(model.costs.forkExecOverhead)
  })
})
