import {describe, expect, it} from 'vitest'
import {measure} from '../../src/app/calibrate.js'
import {SMOKE_PLAN} from '../../src/app/calibrate-plan.js'
import type {ProbeChannel} from '../../src/io/probe-runner.js'

/** Every series measure() reads, one point each, in every answer. */
const SERIES = [
  'copy',
  'chtype',
  'umount',
  'pivot',
  'attach',
  'detachLazyCpu',
  'detachLazyWall',
  'moveAttach',
  'teardown',
  'dclone',
  'otc',
  'chunk',
  'prop',
].concat(['wake', 'forkexec', 'cpuPerSpawn', 'mountWall', 'mountCpu', 'mounts', 'sinceTeardown'])

/** A probe channel that answers every experiment with those points, and cgroupsync with the given namespace flag. */
function fakeProbe(initCgroupNs: boolean): {channel: ProbeChannel; experiments: string[]} {
  const experiments: string[] = []
  const channel: ProbeChannel = {
    where: 'a fake',
    run: async (args) => {
      const exp = args[0]!
      experiments.push(exp)
      const points = [...SERIES.map((series) => ({series, x: 1, ns: 1})), {series: 'initCgroupNs', x: initCgroupNs ? 1 : 0, ns: 0}]
      return {stdout: JSON.stringify({probe: 'densityplan-probe', version: 1, experiment: exp, unit: 'ns', points}), stderr: '', code: 0}
    },
  }
  return {channel, experiments}
}

describe('calibrate: the after-detach runs of the cgroup2 mount', () => {
  it('run in the initial cgroup namespace, once per table size of the plan', async () => {
    const {channel, experiments} = fakeProbe(true)
    const m = await measure(channel, SMOKE_PLAN, {clock: 'cpu', cores: 2, log: () => {}})
    expect(experiments.filter((e) => e === 'cgroupdetach')).toHaveLength(SMOKE_PLAN.cgroupDetachMounts.length)
    expect(m.cgroupSync!.detach).toHaveLength(SMOKE_PLAN.cgroupDetachMounts.length)
  })

  it("are skipped, and said so, in a pod's own cgroup namespace, where the mount takes no grace period", async () => {
    const {channel, experiments} = fakeProbe(false)
    const lines: string[] = []
    const m = await measure(channel, SMOKE_PLAN, {clock: 'cpu', cores: 2, log: (l) => lines.push(l)})
    expect(experiments).not.toContain('cgroupdetach')
    expect(m.cgroupSync!.detach).toEqual([])
    expect(lines.join('\n')).toMatch(/skipping dp-probe cgroupdetach: not in the initial cgroup namespace/)
  })
})
