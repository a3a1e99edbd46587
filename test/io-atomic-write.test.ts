import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InputError} from '../src/errors/errors.js'
import {writeFileAtomic} from '../src/io/atomic-write.js'

const scratch = mkdtempSync(join(tmpdir(), 'dp-atomic-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

describe('writeFileAtomic', () => {
  it('creates missing directories and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'))
    const target = join(dir, 'a', 'b', 'out.json')
    await writeFileAtomic(target, '{"x":1}')
    expect(readFileSync(target, 'utf8')).toBe('{"x":1}')
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.json'])
  })

  it('refuses to overwrite an existing file without force, naming the fix', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'))
    const target = join(dir, 'out.json')
    writeFileSync(target, 'old')
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow(InputError)
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow(/already exists/)
    expect(readFileSync(target, 'utf8')).toBe('old')
    await writeFileAtomic(target, 'new', {force: true})
    expect(readFileSync(target, 'utf8')).toBe('new')
  })
})
