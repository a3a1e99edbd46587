import type {ProbeChannel} from '../../src/io/probe-runner.js'

/** Every series `measure` (src/app/calibrate.ts) reads. */
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

/**
 * A probe channel for `measure` that answers each call with one point per series, whose ns is the
 * call's number (1, 2, ...), so a merged series shows which calls it came from, and cgroupsync's
 * namespace flag as `initCgroupNs`; it logs every call's arguments (the experiment first).
 */
export function fakeProbe(initCgroupNs = true): {channel: ProbeChannel; calls: string[][]} {
  const calls: string[][] = []
  const channel: ProbeChannel = {
    where: 'a fake',
    run: async (args) => {
      calls.push([...args])
      const points = [...SERIES.map((series) => ({series, x: 1, ns: calls.length})), {series: 'initCgroupNs', x: initCgroupNs ? 1 : 0, ns: 0}]
      return {stdout: JSON.stringify({probe: 'densityplan-probe', version: 1, experiment: args[0], unit: 'ns', points}), stderr: '', code: 0}
    },
  }
  return {channel, calls}
}
