import {describe, expect, it} from 'vitest'
import {feedOrder, TaskQueue} from '../../src/app/analyze-jobs.js'

describe('feedOrder', () => {
  it('hands out the costliest jobs first and keeps job order among equal costs', () => {
    expect(feedOrder(5, [1, 9, 3, 9, 0])).toEqual([1, 3, 2, 0, 4])
  })

  it('keeps job order without costs', () => {
    expect(feedOrder(3)).toEqual([0, 1, 2])
  })
})

describe('TaskQueue', () => {
  it('hands out fits by cost, and a fitted class’s two paths before the fits of cheaper classes', () => {
    const q = new TaskQueue([2, 0, 1])
    expect(q.next()).toEqual({kind: 'fit', index: 2})
    expect(q.next()).toEqual({kind: 'fit', index: 0})
    q.fitted(2)
    expect(q.next()).toEqual({kind: 'path', index: 2, path: 'legacy'})
    q.fitted(0)
    expect(q.next()).toEqual({kind: 'path', index: 2, path: 'otn'})
    expect(q.next()).toEqual({kind: 'path', index: 0, path: 'legacy'})
    expect(q.next()).toEqual({kind: 'path', index: 0, path: 'otn'})
    expect(q.next()).toEqual({kind: 'fit', index: 1})
    expect(q.next()).toBeUndefined()
  })
})
