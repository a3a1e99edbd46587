import {describe, expect, it} from 'vitest'
import {measure, mergeParts, partReps} from '../../src/app/calibrate.js'
import {QUICK_PLAN, SMOKE_PLAN, type CalibrationPlan} from '../../src/app/calibrate-plan.js'
import type {ProbeOutput} from '../../src/io/probe-output.js'
import {repetitionGroups} from '../../src/model/calibrate-model.js'
import {fakeProbe} from '../support/fake-probe.js'

const repsOf = (args: string[]): number => Number(args[args.indexOf('--reps') + 1])

describe('calibrate: the short experiments run in parts spread over the run', () => {
  it("splits each one's repetitions into parts that add up to the plan's", () => {
    for (const [total, parts] of [
      [61, 3],
      [60, 3],
      [10, 3],
      [5, 2],
      [7, 1],
    ] as const) {
      const each = Array.from({length: parts}, (_, i) => partReps(total, parts, i))
      expect(each.reduce((a, b) => a + b, 0)).toBe(total)
      expect(Math.max(...each) - Math.min(...each)).toBeLessThanOrEqual(1)
    }
  })

  it('runs a part before dp-probe legacy, one after it, and one before cgroupdetach, never right after pivot', async () => {
    const {channel, calls} = fakeProbe()
    await measure(channel, QUICK_PLAN, {clock: 'cpu', cores: 2, log: () => {}})
    const order = calls.map((c) => c[0]!)
    const at = (exp: string): number[] => order.flatMap((e, i) => (e === exp ? [i] : []))
    for (const exp of ['attach', 'tree', 'mountinfo', 'prop']) {
      const [first, second, third] = at(exp)
      expect(at(exp)).toHaveLength(3)
      expect(first).toBeLessThan(at('legacy')[0]!)
      expect(second).toBeGreaterThan(at('legacy')[0]!)
      expect(second).toBeLessThan(at('pivot')[0]!)
      expect(third).toBeGreaterThan(at('cgroupsync')[0]!)
      expect(third).toBeLessThan(at('cgroupdetach')[0]!)
    }
    expect(order[at('pivot')[0]! + 1]).toBe('wake')
    const total = (exp: string): number => calls.filter((c) => c[0] === exp).reduce((s, c) => s + repsOf(c), 0)
    expect(total('attach')).toBe(QUICK_PLAN.attachReps)
    expect(total('tree')).toBe(QUICK_PLAN.treeReps)
    expect(total('mountinfo')).toBe(QUICK_PLAN.mountinfoReps)
    expect(total('prop')).toBe(QUICK_PLAN.propReps)
  })

  it("fits from every part's points, in the order measured, and names every part's command in the provenance", async () => {
    const {channel, calls} = fakeProbe()
    const m = await measure(channel, SMOKE_PLAN, {clock: 'cpu', cores: 2, log: () => {}})
    const callNumbers = (exp: string): number[] => calls.flatMap((c, i) => (c[0] === exp ? [i + 1] : []))
    expect(callNumbers('tree')).toHaveLength(SMOKE_PLAN.shortParts)
    expect(m.dclone.map((p) => p.ns)).toEqual(callNumbers('tree'))
    expect(m.attach).toEqual(callNumbers('attach'))
    expect(m.mountinfo.map((p) => p.ns)).toEqual(callNumbers('mountinfo'))
    expect(m.prop.map((p) => p.ns)).toEqual(callNumbers('prop'))
    const parts = calls.filter((c) => c[0] === 'tree').map((c) => ['dp-probe', ...c].join(' '))
    for (const part of parts) expect(m.commands['tree']).toContain(part)
    expect(m.commands['tree']).toMatch(/parts spread over the run/)
  })

  it('runs the caller’s step (crun’s starts at M≈0) right after each part, numbered from 0', async () => {
    const {channel, calls} = fakeProbe()
    const after: Array<{part: number; lastExperiment: string}> = []
    await measure(channel, QUICK_PLAN, {
      clock: 'cpu',
      cores: 2,
      log: () => {},
      afterShortPart: async (part) => void after.push({part, lastExperiment: calls.at(-1)![0]!}),
    })
    expect(after).toEqual([0, 1, 2].map((part) => ({part, lastExperiment: 'prop'})))
  })

  it('runs each experiment once, with the plan’s repetitions, when the plan has one part', async () => {
    const {channel, calls} = fakeProbe()
    const onePart: CalibrationPlan = {...SMOKE_PLAN, shortParts: 1}
    const m = await measure(channel, onePart, {clock: 'cpu', cores: 2, log: () => {}})
    const tree = calls.filter((c) => c[0] === 'tree')
    expect(tree).toHaveLength(1)
    expect(repsOf(tree[0]!)).toBe(SMOKE_PLAN.treeReps)
    expect(m.commands['tree']).toBe(['dp-probe', ...tree[0]!].join(' '))
  })

  it("deals each series' points part by part, so the spread's three repetition groups are the three parts", () => {
    // Part p measured dclone at x = 1 and 512 with 3 repetitions (part 0) or 2; ns = 100·p + repetition.
    const part = (p: number, reps: number): ProbeOutput => ({
      probe: 'densityplan-probe',
      version: 1,
      experiment: 'tree',
      unit: 'ns',
      points: Array.from({length: reps}, (_, r) => [1, 512].map((x) => ({series: 'dclone', x, ns: 100 * p + r}))).flat(),
    })
    const merged = mergeParts([part(0, 3), part(1, 2), part(2, 2)])
    expect(merged.points).toHaveLength(14)
    for (const x of [1, 512]) {
      const groups = repetitionGroups(merged.points.filter((q) => q.x === x))
      expect(groups.map((g) => g.map((q) => q.ns))).toEqual([
        [0, 1, 2],
        [100, 101],
        [200, 201],
      ])
    }
  })

  it('refuses to merge no parts', () => {
    expect(() => mergeParts([] as ProbeOutput[])).toThrow(/no parts/)
  })
})
