import {describe, expect, it} from 'vitest'
import {measure} from '../../src/app/calibrate.js'
import {SMOKE_PLAN} from '../../src/app/calibrate-plan.js'
import {fakeProbe} from '../support/fake-probe.js'

describe('calibrate: the after-detach runs of the cgroup2 mount', () => {
  it('run in the initial cgroup namespace, once per table size of the plan', async () => {
    const {channel, calls} = fakeProbe(true)
    const m = await measure(channel, SMOKE_PLAN, {clock: 'cpu', cores: 2, log: () => {}})
    const experiments = calls.map((c) => c[0])
    expect(experiments.filter((e) => e === 'cgroupdetach')).toHaveLength(SMOKE_PLAN.cgroupDetachMounts.length)
    expect(m.cgroupSync!.detach).toHaveLength(SMOKE_PLAN.cgroupDetachMounts.length)
  })

  it("are skipped, and said so, in a pod's own cgroup namespace, where the mount takes no grace period", async () => {
    const {channel, calls} = fakeProbe(false)
    const lines: string[] = []
    const m = await measure(channel, SMOKE_PLAN, {clock: 'cpu', cores: 2, log: (l) => lines.push(l)})
    const experiments = calls.map((c) => c[0])
    expect(experiments).not.toContain('cgroupdetach')
    expect(m.cgroupSync!.detach).toEqual([])
    expect(lines.join('\n')).toMatch(/skipping dp-probe cgroupdetach: not in the initial cgroup namespace/)
  })
})
