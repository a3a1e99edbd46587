import {describe, expect, it} from 'vitest'
import {atCellSpeedVerdict, cellsVerdict, type ValidateCell} from '../../src/app/validate.js'
import {inside, intervalText, measuredIntervals} from '../../src/app/validate-noise.js'

/** 60 starts of 1..60 ms, in ns: the p50's interval is 22–39 ms and the p99's has no upper end. */
const starts = Array.from({length: 60}, (_, i) => (i + 1) * 1e6)

function cell(predicted: {p50: number; p99: number}, measured = {p50: 30.5, p99: 59.41}): ValidateCell {
  const measuredCi95Ms = measuredIntervals(starts)
  const rel = (p: number, m: number) => (p - m) / m
  const relativeError = {p50: rel(predicted.p50, measured.p50), p99: rel(predicted.p99, measured.p99)}
  return {
    addedMounts: 4_000,
    mounts: 4_023,
    concurrency: 1,
    extraThreads: 0,
    threads: 100,
    starts: 60,
    cpuCoresUsed: 0.7,
    cpuPerStartMs: 20,
    measuredMs: measured,
    predictedMs: predicted,
    relativeError,
    withinTarget: Math.abs(relativeError.p50) <= 0.2 && Math.abs(relativeError.p99) <= 0.3,
    measuredCi95Ms,
    predictedInsideCi: {p50: inside(measuredCi95Ms.p50, predicted.p50), p99: inside(measuredCi95Ms.p99, predicted.p99)},
    mountPartError: null,
    overheadCell: false,
    speedRatio: 1,
    atCellSpeed: {predictedMs: predicted, relativeError, withinTarget: Math.abs(relativeError.p50) <= 0.2 && Math.abs(relativeError.p99) <= 0.3},
  }
}

describe("a validate cell's measured intervals", () => {
  it('are the order-statistic 95 % intervals of its starts, in ms, with no upper end for a p99 of 60', () => {
    expect(measuredIntervals(starts)).toEqual({p50: {low: 22, high: 39}, p99: {low: 58, high: null}})
    expect(intervalText({low: 22, high: 39})).toBe('22.0–39.0')
    expect(intervalText({low: 58, high: null})).toBe('≥ 58.0')
    expect(intervalText({low: null, high: null})).toBe('any')
  })

  it('tell a miss the starts cannot resolve from one they can, in the verdict', () => {
    // p99 predicted 40 % high: outside ±30 %, but above the third-largest start, so inside the interval.
    const noisy = cell({p50: 31, p99: 83})
    // p50 predicted 30 % low (21.4 < 22): outside the target and outside the interval.
    const wrong = cell({p50: 21.4, p99: 59})
    const fine = cell({p50: 31, p99: 60})
    expect(noisy.withinTarget).toBe(false)
    expect(noisy.predictedInsideCi).toEqual({p50: true, p99: true})
    expect(wrong.predictedInsideCi.p50).toBe(false)
    expect(cellsVerdict([fine])).toMatch(/^PASS/)
    expect(cellsVerdict([fine, noisy, wrong])).toMatch(/^MISS: 2 of 3 cells .*; 1 of them predict inside the measured p50 and p99 95% intervals/)
  })

  it('counts the cells within the targets at their own kernel speed apart from the plain count', () => {
    const drifted = cell({p50: 40, p99: 60})
    const atSpeed = {...drifted, atCellSpeed: {predictedMs: {p50: 31, p99: 60}, relativeError: {p50: 0.016, p99: 0.01}, withinTarget: true}}
    const wrong = cell({p50: 21.4, p99: 59})
    expect(cellsVerdict([atSpeed, wrong])).toMatch(/^MISS: 2 of 2 cells/)
    expect(atCellSpeedVerdict([atSpeed, wrong])).toMatch(/: 1 of 2 cells within ±20% p50 and ±30% p99$/)
  })
})
