import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {hasSpread, modelAtSpread, widestSpread} from '../../src/model/spread.js'
import {KernelModelSchema, type KernelModel} from '../../src/model/schema.js'

const dir = join(import.meta.dirname, '..', 'fixtures', 'models')
const base = KernelModelSchema.parse(JSON.parse(readFileSync(join(dir, 'test-legacy.json'), 'utf8')))

function withSpread(): KernelModel {
  return {
    ...base,
    costs: {
      ...base.costs,
      copy: {...base.costs.copy, fixedNs: 1000, perUnitNs: 100, spread: {fixedNs: {low: 900, high: 1200}, perUnitNs: {low: 90, high: 130}, method: 'test'}},
      attach: {...base.costs.attach, ns: 5000, spread: {ns: {low: 4000, high: 6000}, method: 'test'}},
      cpuContention: {
        points: [
          {busyCores: 1, slowdown: 1},
          {busyCores: 2, slowdown: 1.5, low: 1.2, high: 1.9},
        ],
        source: {command: 'test', samples: 4},
      },
    },
  }
}

describe('model spread', () => {
  it('loads a model file written before spreads existed, and treats it as having none', () => {
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'linux-6.18-legacy.json'), 'utf8')))
    expect(hasSpread(model)).toBe(false)
    expect(modelAtSpread(model, 'high').costs).toEqual(model.costs)
    expect(widestSpread(model)).toBeUndefined()
  })

  it('moves every coefficient that has a spread to its low or high end, and nothing else', () => {
    const m = withSpread()
    const high = modelAtSpread(m, 'high')
    expect([high.costs.copy.fixedNs, high.costs.copy.perUnitNs, high.costs.attach.ns]).toEqual([1200, 130, 6000])
    expect(high.costs.cpuContention!.points.map((p) => p.slowdown)).toEqual([1, 1.9])
    const low = modelAtSpread(m, 'low')
    expect([low.costs.copy.fixedNs, low.costs.copy.perUnitNs, low.costs.attach.ns]).toEqual([900, 90, 4000])
    expect(low.costs.chtype).toEqual(m.costs.chtype)
    expect(KernelModelSchema.safeParse(high).success).toBe(true)
  })

  it('names the widest relative spread: the contention excess over 1 counts, not the slowdown itself', () => {
    expect(widestSpread(withSpread())).toEqual({name: 'cpuContention.slowdown@2', relative: expect.closeTo(1.4, 6)})
  })

  it('rejects a spread whose low end is above its high end, and a slowdown below 1', () => {
    const m = withSpread()
    const inverted = {...m, costs: {...m.costs, attach: {...m.costs.attach, spread: {ns: {low: 7000, high: 6000}, method: 'test'}}}}
    expect(KernelModelSchema.safeParse(inverted).success).toBe(false)
    const belowOne = {
      ...m,
      costs: {
        ...m.costs,
        cpuContention: {
          points: [
            {busyCores: 1, slowdown: 1},
            {busyCores: 2, slowdown: 0.9},
          ],
          source: {command: 't', samples: 2},
        },
      },
    }
    expect(KernelModelSchema.safeParse(belowOne).success).toBe(false)
  })
})
