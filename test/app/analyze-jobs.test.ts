import {describe, expect, it} from 'vitest'
import {feedOrder, startAnalysisWorkers, TaskQueue} from '../../src/app/analyze-jobs.js'

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

describe('startAnalysisWorkers', () => {
  it('starts workers that wait for their settings, and close() ends them all, once however often it is called', async () => {
    const pool = startAnalysisWorkers(2)
    const exits = pool.workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)))
    // Online: the worker module loaded and is waiting for its init message, not failing on a missing workerData.
    await Promise.all(pool.workers.map((w) => new Promise((resolve) => w.once('online', resolve))))
    expect(pool.earlyError()).toBeUndefined()
    await Promise.all([pool.close(), pool.close()])
    expect(await Promise.all(exits)).toHaveLength(2)
    expect(pool.workers.map((w) => w.threadId)).toEqual([-1, -1])
  })

  it('keeps an error a worker raised before anyone listened', async () => {
    const pool = startAnalysisWorkers(1)
    const worker = pool.workers[0]!
    await new Promise((resolve) => worker.once('online', resolve))
    // A task before the init message is a programming error the worker throws on.
    const failed = new Promise((resolve) => worker.once('error', resolve))
    worker.postMessage({kind: 'fit', index: 0, job: {}})
    await failed
    expect(pool.earlyError()?.message).toMatch(/a task arrived before its settings and models/)
    await pool.close()
  })
})
