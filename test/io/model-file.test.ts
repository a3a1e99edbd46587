import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors/errors.js'
import {loadModelFile, loadShippedModels} from '../../src/io/model-file.js'
import {defaultModelFor} from '../../src/model/registry.js'

const fixture = join(import.meta.dirname, '..', 'fixtures', 'models', 'test-legacy.json')
const scratch = mkdtempSync(join(tmpdir(), 'dp-model-file-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

// A model file as plain JSON, edited freely to make it invalid.
type Json = {costs: Record<string, Record<string, unknown>>}

function variant(name: string, edit: (m: Json) => void): string {
  const m = JSON.parse(readFileSync(fixture, 'utf8')) as Json
  edit(m)
  const p = join(scratch, name)
  writeFileSync(p, JSON.stringify(m))
  return p
}

async function errorOf(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InputError)
  return err as InputError
}

describe('loadModelFile', () => {
  it('returns the validated model and the sha256 of the exact file bytes', async () => {
    const loaded = await loadModelFile(fixture)
    expect(loaded.model.id).toBe('test-fixture-legacy')
    expect(loaded.model.path).toBe('legacy')
    expect(loaded.sha256).toBe(createHash('sha256').update(readFileSync(fixture)).digest('hex'))
  })

  it('names the field and what was wrong when a cost has the wrong type', async () => {
    const p = variant('wrong-type.json', (m) => (m.costs.copy!.perUnitNs = '1500'))
    const err = await errorOf(loadModelFile(p, {source: 'models/x.json'}))
    expect(err.message).toBe('models/x.json: costs.copy.perUnitNs: Invalid input: expected number, received string')
    expect(err.exitCode).toBe(2)
    expect(err.fix).toMatch(/docs\/model\.md/)
  })

  it('names an unknown key instead of ignoring it', async () => {
    const p = variant('unknown-key.json', (m) => (m.costs.copyy = m.costs.copy!))
    const err = await errorOf(loadModelFile(p))
    expect(err.message).toMatch(/unknown-key\.json: costs: Unrecognized key: "copyy"/)
    expect(err.message).not.toContain('\n')
  })

  it("reports bad JSON on one line with the parser's position", async () => {
    const p = join(scratch, 'bad.json')
    writeFileSync(p, '{"apiVersion": "densityplan.dev/v1alpha1",,}')
    const err = await errorOf(loadModelFile(p))
    expect(err.message).toMatch(/bad\.json: not valid JSON \(.*position \d+/)
    expect(err.message).not.toContain('\n')
  })

  it('says the file does not exist', async () => {
    const err = await errorOf(loadModelFile(join(scratch, 'missing.json'), {source: 'missing.json'}))
    expect(err.message).toBe('missing.json: no such file')
  })
})

describe('loadShippedModels', () => {
  it('loads every json file of a directory in name order, tagged models/<name>', async () => {
    const loaded = await loadShippedModels(join(import.meta.dirname, '..', 'fixtures', 'models'))
    expect(loaded.map((l) => l.source)).toEqual(['models/test-legacy.json', 'models/test-otn-older.json', 'models/test-otn.json'])
  })

  it('finds the models shipped in models/, all valid, with a default for both start paths', async () => {
    const shipped = await loadShippedModels()
    expect(shipped.length).toBeGreaterThanOrEqual(2)
    expect(defaultModelFor(shipped, 'legacy').model.path).toBe('legacy')
    expect(defaultModelFor(shipped, 'otn').model.kernel.openTreeNamespace || defaultModelFor(shipped, 'otn').model.path === 'otn').toBe(true)
  })

  it('treats a missing directory as no shipped models', async () => {
    expect(await loadShippedModels(join(scratch, 'nope'))).toEqual([])
  })

  it('reports a broken shipped file instead of skipping it', async () => {
    const dir = join(scratch, 'broken-dir')
    rmSync(dir, {recursive: true, force: true})
    await import('node:fs/promises').then((fs) => fs.mkdir(dir))
    writeFileSync(join(dir, 'a.json'), '[]')
    const err = await errorOf(loadShippedModels(dir))
    expect(err.message).toMatch(/^models\/a\.json: \(top level\): /)
  })
})
