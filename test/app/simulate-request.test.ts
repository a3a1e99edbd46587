import {describe, expect, it} from 'vitest'
import {parseSimulateFlags, type SimulateFlags} from '../../src/app/simulate-request.js'
import {parseDurationNs} from '../../src/lib/duration.js'
import {InputError} from '../../src/errors/errors.js'
import {SIMULATE_FLAG_DEFAULTS} from '../support/simulate-flags.js'

// The defaults the command declares; each test overrides what it is about.
const defaults: SimulateFlags = SIMULATE_FLAG_DEFAULTS

function failure(overrides: Partial<SimulateFlags>): InputError {
  try {
    parseSimulateFlags({...defaults, ...overrides})
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    const e = err as InputError
    expect(e.exitCode).toBe(2)
    expect(e.message).not.toContain('\n')
    return e
  }
  throw new Error('expected an InputError')
}

describe('parseSimulateFlags', () => {
  it('leaves --sections-keep-core off unless it is given, and turns it on when it is', () => {
    expect(parseSimulateFlags(defaults).sectionsKeepCore).toBeUndefined()
    expect(parseSimulateFlags({...defaults, 'sections-keep-core': false}).sectionsKeepCore).toBeUndefined()
    expect(parseSimulateFlags({...defaults, 'sections-keep-core': true}).sectionsKeepCore).toBe(true)
  })

  it('turns the default flags into a closed-loop request with documented defaults', () => {
    const req = parseSimulateFlags(defaults)
    expect(req.workload).toEqual({kind: 'closed', concurrency: 8, starts: 1000})
    expect(req).toMatchObject({kernel: 'both', cores: 2, hostMounts: 1000, mountinfoIntervalNs: 1e9, runtimeOverhead: 'model', podOverheadNs: null, seed: 1})
  })

  it("reads each workload's own flags, with durations in any unit", () => {
    expect(parseSimulateFlags({...defaults, workload: 'burst', pods: '110'}).workload).toEqual({kind: 'burst', pods: 110})
    expect(parseSimulateFlags({...defaults, workload: 'poisson', rate: '2.5', duration: '1.5m'}).workload).toEqual({
      kind: 'poisson',
      ratePerSec: 2.5,
      durationNs: 90e9,
    })
    expect(parseSimulateFlags({...defaults, 'runtime-overhead': '2ms', 'pod-overhead': '800ms'})).toMatchObject({runtimeOverhead: 2e6, podOverheadNs: 8e8})
  })

  it('names the flag and its valid range for absurd numbers', () => {
    expect(failure({'host-mounts': '1e9'}).message).toBe('--host-mounts 1e9 is out of range: expected an integer from 0 to 500000')
    expect(failure({cores: '0'}).message).toBe('--cores 0 is out of range: expected an integer from 1 to 1024')
    expect(failure({cores: '-3'}).fix).toBe('pass --cores with an integer from 1 to 1024')
    expect(failure({replications: '2.5'}).message).toMatch(/^--replications 2\.5 is out of range: expected an integer/)
    expect(failure({seed: 'abc'}).message).toMatch(/^--seed abc is out of range/)
    expect(failure({'host-mounts': ''}).message).toMatch(/^--host-mounts {2}is out of range/)
  })

  it('lists the valid values of an unknown kernel or workload', () => {
    expect(failure({kernel: 'new'}).message).toBe('--kernel "new" is not one of legacy, otn, both')
    expect(failure({workload: 'storm'}).message).toBe('--workload "storm" is not one of burst, poisson, closed')
  })

  it('refuses a flag that belongs to another workload instead of ignoring it', () => {
    expect(failure({workload: 'closed', pods: '10'}).message).toBe('--pods applies to --workload burst, not --workload closed')
    expect(failure({workload: 'burst', rate: '3'}).message).toBe('--rate applies to --workload poisson, not --workload burst')
  })

  it('refuses durations without a unit or out of range', () => {
    expect(failure({workload: 'poisson', duration: '30'}).message).toBe('--duration "30" is not a duration like 500ms, 30s or 2m')
    expect(failure({workload: 'poisson', duration: '2h'}).message).toBe('--duration 2h is out of range: expected from 1ms to 1h')
    expect(failure({'runtime-overhead': 'fast'}).message).toMatch(/^--runtime-overhead "fast" is not a duration like 2ms, or 'model'/)
  })

  it('refuses a model flag the chosen kernel path would ignore', () => {
    expect(failure({kernel: 'otn', model: 'm.json'}).fix).toMatch(/--otn-model FILE/)
    expect(failure({kernel: 'legacy', 'otn-model': 'm.json'}).message).toMatch(/--otn-model is not used with --kernel legacy/)
  })

  it('accepts a legacy fallback fraction for the otn path only', () => {
    expect(parseSimulateFlags({...defaults, 'legacy-fallback': '0.25'}).legacyFallback).toBe(0.25)
    expect(failure({'legacy-fallback': '1.5'}).message).toBe('--legacy-fallback 1.5 is out of range: expected a number from 0 to 1')
    expect(failure({kernel: 'legacy', 'legacy-fallback': '0.1'}).message).toMatch(/applies to the otn path/)
  })

  it('refuses a run too large to finish, naming the flags to lower', () => {
    const e = failure({starts: '1000000', replications: '10'})
    expect(e.message).toMatch(/about 10,000,000 container starts per kernel/)
    expect(e.fix).toMatch(/--replications/)
  })
})

describe('parseDurationNs', () => {
  it('converts every supported unit to integer nanoseconds and refuses bare numbers', () => {
    expect(['100ns', '250us', '250µs', '500ms', '30s', '2m', '1h'].map(parseDurationNs)).toEqual([100, 250e3, 250e3, 500e6, 30e9, 120e9, 3600e9])
    expect(parseDurationNs('30')).toBeUndefined()
    expect(parseDurationNs('-1s')).toBeUndefined()
  })
})
