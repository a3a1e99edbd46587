import {describe, expect, it} from 'vitest'
import {feedOrder} from '../../src/app/analyze-jobs.js'

describe('feedOrder', () => {
  it('hands out the costliest jobs first and keeps job order among equal costs', () => {
    expect(feedOrder(5, [1, 9, 3, 9, 0])).toEqual([1, 3, 2, 0, 4])
  })

  it('keeps job order without costs', () => {
    expect(feedOrder(3)).toEqual([0, 1, 2])
  })
})
