import {describe, expect, it} from 'vitest'
import {buildCosts, type Measurements} from '../../src/model/calibrate-model.js'
import {concatMeasurements, medianOfRounds} from '../../src/model/calibrate-rounds.js'
import {KernelModelSchema} from '../../src/model/schema.js'

// One round of synthetic measurements whose memory-heavy costs run `speed` times the base: a
// round in the machine's slow state has speed 1.5 (docs/calibrate.md, "Repeatability after the
// pivot, order and mountinfo changes").
const line = (fixedNs: number, perUnitNs: number, xs: number[], reps = 5) =>
  xs.flatMap((x) => Array.from({length: reps}, (_, r) => ({x, ns: fixedNs + perUnitNs * x + (r - 2) * 10})))

function round(speed: number): Measurements {
  return {
    commands: {},
    copy: line(40_000 * speed, 1_700 * speed, [21, 2021, 4021, 8021]),
    chtype: line(10_000, 80 * speed, [21, 2021, 4021, 8021]),
    pivot: line(20_000, 200 * speed, [100, 2100]),
    umount: line(150_000, 600 * speed, [21, 2021, 4021, 8021]),
    attach: [7_000 * speed, 7_100 * speed, 7_200 * speed],
    detachLazyCpu: [100_000, 100_000, 100_000],
    detachLazyWall: [300_000, 340_000, 360_000],
    moveAttach: [5_000, 5_500, 6_000],
    teardown: line(10_000, 550 * speed, [1, 128, 512]),
    dclone: line(5_000, 1_300 * speed, [1, 128, 512]),
    otc: line(50_000, 2_500 * speed, [1, 128, 512]),
    otn: [],
    mountinfo: line(4_000, 1_450, [3, 6, 13, 25, 50]),
    prop: line(8_000, 500, [0, 16, 64]),
    wake: [3_000 * speed, 4_000, 50_000],
    forkExec: [5e6, 6e6],
    contention: [
      {x: 1, ns: 4e6},
      {x: 2, ns: 4.4e6 * speed},
      {x: 1, ns: 4e6},
      {x: 2, ns: 4.4e6 * speed},
    ],
  }
}

describe('calibrate --rounds: the median of rounds', () => {
  const rounds = [round(1), round(1.5), round(1.02)]
  const each = rounds.map((r) => buildCosts(r).costs)
  const pooled = buildCosts(concatMeasurements(rounds)).costs
  const costs = medianOfRounds(each, pooled)

  it('is not moved by one round in the slow state, and shows that round in the spread', () => {
    // Median of 1,700, 2,550 and 1,734 ns per mount: the fast state's.
    expect(costs.copy.perUnitNs).toBeCloseTo(1_700 * 1.02, 0)
    expect(costs.copy.spread?.perUnitNs.low).toBeCloseTo(1_700, 0)
    expect(costs.copy.spread?.perUnitNs.high).toBeCloseTo(2_550, 0)
    expect(costs.copy.spread?.method).toMatch(/3 calibrate rounds/)
    expect(costs.copy.source.note).toMatch(/median of 3 rounds/)
    expect(costs.copy.source.samples).toBe(3 * 20)
    expect(costs.pivot.perUnitNs).toBeCloseTo(200 * 1.02, 0)
    expect(costs.attach.ns).toBeCloseTo(7_100 * 1.02, 0)
    expect(costs.attach.spread?.ns).toEqual({low: 7_100, high: 7_100 * 1.5})
    // The contention curve: median slowdown at 2 busy cores, the rounds' range as low/high.
    const two = costs.cpuContention!.points.find((p) => p.busyCores === 2)!
    expect(two.slowdown).toBeCloseTo(1.1 * 1.02, 3)
    expect(two.low).toBeCloseTo(1.1, 3)
    expect(two.high).toBeCloseTo(1.65, 3)
  })

  it("takes distributions from all rounds' samples pooled", () => {
    expect(costs.wakeLatency).toEqual(pooled.wakeLatency)
    expect(costs.wakeLatency.kind === 'empirical' && costs.wakeLatency.samplesNs).toHaveLength(9)
  })

  it('writes costs the model schema accepts, and one round unchanged', () => {
    expect(KernelModelSchema.shape.costs.safeParse(costs).success).toBe(true)
    expect(medianOfRounds([each[0]!], pooled)).toBe(each[0])
    expect(() => medianOfRounds([], pooled)).toThrow(/no rounds/)
  })

  it("takes each measured input's median ratio as the shape", () => {
    const x = each[0]!.copy.shape!.x
    const withRatios = (c: (typeof each)[number], ratio: number[]) => ({...c, copy: {...c.copy, shape: {x, ratio}}})
    const shaped = [withRatios(each[0]!, [2, 0.8, 1, 1.1]), withRatios(each[1]!, [3, 0.7, 1.05, 1]), withRatios(each[2]!, [2.5, 0.9, 0.95, 1.02])]
    expect(medianOfRounds(shaped, pooled).copy.shape).toEqual({x, ratio: [2.5, 0.8, 1, 1.02]})
    const mismatched = [each[0]!, {...each[1]!, copy: {...each[1]!.copy, shape: {x: [1, 2], ratio: [1, 1]}}}, each[2]!]
    expect(medianOfRounds(mismatched, pooled).copy.shape).toBeUndefined()
  })

  it('concatenates every series in round order', () => {
    const all = concatMeasurements(rounds)
    expect(all.copy).toHaveLength(60)
    expect(all.copy.slice(20, 40)).toEqual(rounds[1]!.copy)
    expect(all.attach).toEqual([...rounds[0]!.attach, ...rounds[1]!.attach, ...rounds[2]!.attach])
    expect(concatMeasurements([rounds[0]!])).toBe(rounds[0])
  })

  it("pools the cgroup2 mount's runs, and each table size's detach runs with the same size of the other rounds", () => {
    const pt = (x: number, ns: number) => ({x, ns})
    const sync = (r: number): NonNullable<Measurements['cgroupSync']> => ({
      wall: [pt(60, 7e6 + r)],
      cpu: [pt(60, 1e4)],
      initCgroupNs: true,
      detach: [
        {mounts: 1_022, wall: [pt(0, 12e6 + r)], cpu: [pt(0, 1e5)], sinceTeardown: [pt(0, 5e6)]},
        {mounts: 4_022, wall: [pt(0, 11e6 + r), pt(25, 8e6 + r)], cpu: [pt(0, 1e5), pt(25, 1e5)], sinceTeardown: [pt(0, 2e7), pt(25, 4.5e7)]},
      ],
    })
    const all = concatMeasurements([
      {...round(1), cgroupSync: sync(1)},
      {...round(1), cgroupSync: sync(2)},
    ])
    expect(all.cgroupSync!.wall.map((p) => p.ns)).toEqual([7e6 + 1, 7e6 + 2])
    expect(all.cgroupSync!.detach!.map((d) => d.mounts)).toEqual([1_022, 4_022])
    expect(all.cgroupSync!.detach![1]!.wall.map((p) => p.ns)).toEqual([11e6 + 1, 8e6 + 1, 11e6 + 2, 8e6 + 2])
    expect(all.cgroupSync!.detach![1]!.sinceTeardown).toHaveLength(4)
    expect(all.cgroupSync!.detach![0]!.cpu).toHaveLength(2)
  })
})
