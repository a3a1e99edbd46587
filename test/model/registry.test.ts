import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors/errors.js'
import {defaultModelFor} from '../../src/model/registry.js'
import {KernelModelSchema, type KernelModel} from '../../src/model/schema.js'

const dir = join(import.meta.dirname, '..', 'fixtures', 'models')
const load = (name: string): {model: KernelModel; name: string} => ({name, model: KernelModelSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')))})
const withDate = (c: {model: KernelModel; name: string}, date: string, id = c.model.id) => ({
  ...c,
  model: {...c.model, id, provenance: {...c.model.provenance, date}},
})

describe('defaultModelFor', () => {
  const legacy = load('test-legacy.json')
  const otn = load('test-otn.json')
  const otnOlder = load('test-otn-older.json')

  it("picks by the model's path field, not by its file name", () => {
    expect(defaultModelFor([otn, legacy], 'legacy').name).toBe('test-legacy.json')
    expect(defaultModelFor([legacy, otn], 'otn').name).toBe('test-otn.json')
  })

  it('prefers the most recently measured model of a path', () => {
    expect(defaultModelFor([otnOlder, otn], 'otn').name).toBe('test-otn.json')
    expect(defaultModelFor([otn, otnOlder], 'otn').name).toBe('test-otn.json')
    expect(defaultModelFor([withDate(otn, '2024-01-01'), otnOlder], 'otn').name).toBe('test-otn-older.json')
  })

  it('breaks a tie on date by id, so directory order never matters', () => {
    const a = withDate(otn, '2026-01-01', 'a-otn')
    const b = withDate(otn, '2026-01-01', 'b-otn')
    expect(defaultModelFor([a, b], 'otn').model.id).toBe('b-otn')
    expect(defaultModelFor([b, a], 'otn').model.id).toBe('b-otn')
  })

  it('says which flag to use when no model exists for the path', () => {
    const err = (() => {
      try {
        defaultModelFor([legacy], 'otn')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).message).toBe('no shipped kernel model for the otn path')
    expect((err as InputError).fix).toMatch(/--otn-model FILE/)
  })
})
