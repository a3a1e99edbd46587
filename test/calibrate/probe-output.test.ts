import {describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors/errors.js'
import {parseProbeOutput, series} from '../../src/io/probe-output.js'

const good = JSON.stringify({
  probe: 'densityplan-probe',
  version: 1,
  experiment: 'legacy',
  unit: 'mount',
  points: [
    {series: 'copy', x: 21, ns: 90_000},
    {series: 'copy', x: 1021, ns: 2_600_000},
  ],
})

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    const e = err as InputError
    expect(e.message).not.toMatch(/\n/)
    expect(e.fix).toMatch(/build-probe/)
    return e.message
  }
  throw new Error('expected an InputError')
}

describe('parseProbeOutput', () => {
  it('accepts the probe document and returns its points by series', () => {
    const out = parseProbeOutput(`${good}\n`, 'legacy')
    expect(series(out, 'copy')).toEqual([
      {x: 21, ns: 90_000},
      {x: 1021, ns: 2_600_000},
    ])
  })

  it('rejects truncated JSON with one line naming the experiment', () => {
    expect(messageOf(() => parseProbeOutput(good.slice(0, 60), 'legacy'))).toMatch(/experiment 'legacy' printed malformed JSON/)
  })

  it('rejects empty output', () => {
    expect(messageOf(() => parseProbeOutput('  \n', 'tree'))).toMatch(/printed nothing/)
  })

  it('rejects a point whose duration is not a number, naming the field path', () => {
    const bad = good.replace('"ns":90000', '"ns":"fast"')
    expect(messageOf(() => parseProbeOutput(bad, 'legacy'))).toMatch(/points\.0\.ns/)
  })

  it('rejects output for a different experiment than the one asked', () => {
    expect(messageOf(() => parseProbeOutput(good, 'tree'))).toMatch(/answered experiment 'legacy' when 'tree' was asked/)
  })

  it('refuses a missing series and a negative duration (a failed syscall)', () => {
    const out = parseProbeOutput(good, 'legacy')
    expect(messageOf(() => series(out, 'pivot'))).toMatch(/no 'pivot' points/)
    const neg = parseProbeOutput(good.replace('"ns":90000', '"ns":-1'), 'legacy')
    expect(messageOf(() => series(neg, 'copy'))).toMatch(/negative duration/)
  })
})
