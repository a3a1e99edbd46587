import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {renderJson} from '../../src/report/json.js'
import {makeResult} from './fixtures/result.js'

// In-process runs of `densityplan report`: exit codes, files written, and refusals.
const scratch = mkdtempSync(join(tmpdir(), 'dp-report-'))
const resultsFile = join(scratch, 'results.json')
afterAll(() => rmSync(scratch, {recursive: true, force: true}))
beforeAll(() => writeFileSync(resultsFile, renderJson(makeResult())))

async function run(args: string[]): Promise<{stdout: string; stderr: string; exit: number}> {
  const {stdout, stderr, error} = await runCommand(['report', ...args])
  const exit = error === undefined ? 0 : ((error as {oclif?: {exit?: number}}).oclif?.exit ?? 1)
  return {stdout, stderr, exit}
}

describe('densityplan report', () => {
  it('writes a self-contained HTML report and says where', async () => {
    const out = join(scratch, 'a.html')
    const {stdout, exit} = await run([resultsFile, '--out', out])
    expect(exit).toBe(0)
    expect(stdout).toContain(`wrote ${out} (html,`)
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;')
    expect(html).not.toMatch(/<script[^>]+src=/)
  })

  it('refuses to overwrite an existing file without --force and leaves it untouched', async () => {
    const out = join(scratch, 'b.html')
    writeFileSync(out, 'keep me')
    const {stderr, exit} = await run([resultsFile, '--out', out])
    expect(exit).toBe(2)
    expect(stderr).toContain(`${out} already exists`)
    expect(stderr).toContain('--force')
    expect(readFileSync(out, 'utf8')).toBe('keep me')
    expect((await run([resultsFile, '--out', out, '--force'])).exit).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/)
  })

  it('writes every requested format next to each other, and the JSON round-trips byte for byte', async () => {
    const base = join(scratch, 'all.html')
    const {stdout, exit} = await run([resultsFile, '--out', base, '--format', 'html,json,csv,md', '--json'])
    expect(exit).toBe(0)
    const summary = JSON.parse(stdout) as {files: Array<{format: string; path: string}>}
    expect(summary.files.map((f) => f.path)).toEqual(['html', 'json', 'csv', 'md'].map((ext) => join(scratch, `all.${ext}`)))
    expect(readFileSync(join(scratch, 'all.json'), 'utf8')).toBe(readFileSync(resultsFile, 'utf8'))
    expect(readFileSync(join(scratch, 'all.csv'), 'utf8').split('\r\n')[0]).toMatch(/^pool,class_id,/)
    expect(readFileSync(join(scratch, 'all.md'), 'utf8')).toMatch(/^# Pod start density plan/)
  })

  it('rejects a results file with a bad field in one line naming the field, exit 2', async () => {
    const bad = makeResult() as unknown as {classes: Array<{nodeCount: unknown}>}
    bad.classes[1]!.nodeCount = 'twelve'
    const file = join(scratch, 'bad.json')
    writeFileSync(file, JSON.stringify(bad))
    const {stderr, exit} = await run([file, '--out', join(scratch, 'bad.html')])
    expect(exit).toBe(2)
    // oclif may print its own "Could not find source" warning first (lines starting with ' ›').
    const ours = stderr.split('\n').filter((line) => line && !line.startsWith(' ›'))
    expect(ours[0]).toMatch(/^Error: .*bad\.json: classes\.1\.nodeCount: .*number/)
    expect(ours[1]).toMatch(/^Try this: /)
    expect(existsSync(join(scratch, 'bad.html'))).toBe(false)
  })

  it('rejects a missing results file and an unknown format with exit 2', async () => {
    const missing = await run([join(scratch, 'nope.json'), '--out', join(scratch, 'x.html')])
    expect(missing.exit).toBe(2)
    expect(missing.stderr).toContain('does not exist')
    const format = await run([resultsFile, '--out', join(scratch, 'x.html'), '--format', 'html,pdf'])
    expect(format.exit).toBe(2)
    expect(format.stderr).toContain('unknown format pdf')
  })

  it('with several formats, refuses before writing any when one target exists', async () => {
    writeFileSync(join(scratch, 'partial.md'), 'old')
    const {exit} = await run([resultsFile, '--out', join(scratch, 'partial'), '--format', 'html,md'])
    expect(exit).toBe(2)
    expect(existsSync(join(scratch, 'partial.html'))).toBe(false)
  })
})
