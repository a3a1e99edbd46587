import {describe, expect, it} from 'vitest'
import {parseDurationMs, parseDurationNs} from '../../src/lib/duration.js'

describe('the one duration syntax (docs/durations.md)', () => {
  it('converts every unit to integer nanoseconds', () => {
    expect(['100ns', '250us', '250µs', '500ms', '30s', '2m', '1h', '2d'].map(parseDurationNs)).toEqual([
      100,
      250e3,
      250e3,
      500e6,
      30e9,
      120e9,
      3600e9,
      2 * 86_400e9,
    ])
  })

  it('takes decimals, spaces around and between number and unit, and any letter case', () => {
    expect([' 1.5s ', '1.5 s', '1.5S', '2500MS'].map(parseDurationNs)).toEqual([1.5e9, 1.5e9, 1.5e9, 2.5e9])
  })

  it('refuses a bare number, a negative number, an unknown unit and an empty string', () => {
    expect(['30', '-1s', '5 sec', '1w', '', 's', '1e3ms'].map(parseDurationNs)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('rounds to whole nanoseconds, and gives milliseconds with their fraction', () => {
    expect(parseDurationNs('0.0005us')).toBe(1)
    expect(parseDurationMs('1.25ms')).toBe(1.25)
    expect(parseDurationMs('5s')).toBe(5000)
  })
})
