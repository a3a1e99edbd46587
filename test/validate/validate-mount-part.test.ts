import {describe, expect, it} from 'vitest'
import {mountPartErrors, mountPartVerdict} from '../../src/app/validate-mount-part.js'

const cellOf = (mounts: number, concurrency: number, measured: [number, number], predicted: [number, number], overheadCell = false) => ({
  mounts,
  concurrency,
  extraThreads: 0,
  overheadCell,
  measuredMs: {p50: measured[0], p99: measured[1]},
  predictedMs: {p50: predicted[0], p99: predicted[1]},
  relativeError: {p50: predicted[0] / measured[0] - 1, p99: predicted[1] / measured[1] - 1},
})

describe('the mount-dependent part of p50', () => {
  it('compares what each cell adds over the M≈0, C=1 cell, not the whole start', () => {
    const cells = [
      cellOf(22, 1, [10, 12], [10, 12], true),
      // Measured adds 40 ms, predicted adds 30: -25%, although the whole p50 is only -20%.
      cellOf(10_022, 1, [50, 60], [40, 58]),
      // Adds 2 ms over a 10 ms reference: 20%, above the 1 ms floor, so it is compared.
      cellOf(1_022, 1, [12, 14], [13, 14]),
    ]
    const errors = mountPartErrors(cells)
    expect(errors[0]).toBeNull()
    expect(errors[1]).toBeCloseTo(-0.25, 10)
    expect(errors[2]).toBeCloseTo(0.5, 10)
  })

  it('leaves out cells whose measured part is too small to be a slope', () => {
    const cells = [cellOf(22, 1, [20, 22], [20, 22], true), cellOf(100, 1, [21, 23], [25, 26])]
    expect(mountPartErrors(cells)).toEqual([null, null])
  })

  it('falls back to the C=1 cell with the fewest mounts when no cell measured the overhead', () => {
    const cells = [cellOf(4_022, 1, [30, 35], [30, 35]), cellOf(22, 1, [10, 12], [11, 12]), cellOf(22, 4, [30, 40], [31, 40])]
    const errors = mountPartErrors(cells)
    expect(errors[1]).toBeNull()
    expect(errors[0]).toBeCloseTo(19 / 20 - 1, 10)
    expect(errors[2]).toBeCloseTo(20 / 20 - 1, 10)
  })

  it('counts a cell as meeting the target only when its part and its whole p99 are both close enough', () => {
    const cells = [
      cellOf(22, 1, [10, 12], [10, 12], true),
      cellOf(4_022, 1, [30, 40], [32, 42]), // part +10%, p99 +5%: meets
      cellOf(10_022, 1, [50, 60], [52, 80]), // part +5%, p99 +33%: misses on p99
      cellOf(10_022, 4, [110, 130], [80, 128]), // part -30%: misses
    ]
    expect(mountPartVerdict(cells, mountPartErrors(cells))).toMatch(/: 1 of 3 comparable cells$/)
  })

  it('counts apart the cells that miss only on a p99 predicted inside the measured interval', () => {
    const inside = {p50: true, p99: true}
    const cells = [
      cellOf(22, 1, [8, 12], [8, 12], true),
      {...cellOf(4_022, 1, [40, 60], [40, 80]), predictedInsideCi: inside}, // p99 +33%, but the starts cannot bound it
      {...cellOf(10_022, 1, [70, 90], [70, 60]), predictedInsideCi: {p50: true, p99: false}}, // p99 -33%, below the interval
      {...cellOf(10_022, 4, [110, 130], [80, 128]), predictedInsideCi: inside}, // part -30%: a p50 miss, not counted
    ]
    expect(mountPartVerdict(cells, mountPartErrors(cells))).toMatch(
      /: 0 of 3 comparable cells; 1 more miss only on a p99 predicted inside the measured 95% interval$/,
    )
  })
})
