import {globSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import config from '../vitest.config.js'
import {ALL_TESTS, SYSTEM_TESTS, VALIDATE_TESTS} from './suites.js'

const root = join(import.meta.dirname, '..')
const files = (patterns: readonly string[]): string[] => [...new Set(patterns.flatMap((p) => globSync(p, {cwd: root})))].sort()

describe('the split into unit and system tests', () => {
  const all = files([ALL_TESTS])
  const system = files([...SYSTEM_TESTS, ...VALIDATE_TESTS])
  const unit = all.filter((f) => !system.includes(f))

  it('puts every test file in exactly one of the two suites, and names no file twice', () => {
    expect(unit.length + system.length).toBe(all.length)
    expect(system.every((f) => all.includes(f))).toBe(true)
    expect(files([...SYSTEM_TESTS]).filter((f) => files([...VALIDATE_TESTS]).includes(f))).toEqual([])
  })

  it('has every system glob match a test file, so a moved file is not silently a unit test', () => {
    expect([...SYSTEM_TESTS, ...VALIDATE_TESTS].filter((p) => files([p]).length === 0)).toEqual([])
  })

  it('runs no test file outside the include pattern (a .spec.ts or .test.js would run in neither suite)', () => {
    expect(files(['test/**/*.{spec,test}.{ts,js,mts,mjs}']).filter((f) => !all.includes(f))).toEqual([])
  })

  it('builds the vitest projects from these lists', () => {
    const projects = (config.test?.projects ?? []) as Array<{test: {name: string; include?: string[]; exclude?: string[]}}>
    const byName = Object.fromEntries(projects.map((p) => [p.test.name, p.test]))
    expect(byName.unit).toMatchObject({include: [ALL_TESTS], exclude: [...SYSTEM_TESTS, ...VALIDATE_TESTS]})
    expect(byName.system).toMatchObject({include: [...SYSTEM_TESTS]})
    expect(byName.validate).toMatchObject({include: [...VALIDATE_TESTS]})
  })

  // Unit test files share a module graph per worker (isolate: false in vitest.config.ts), so one
  // that mocks a module or stubs a global or an environment variable would leak into the next.
  it('keeps unit tests free of module mocks and global or environment stubs', () => {
    const leaks = /vi\.(mock|doMock|stubGlobal|stubEnv)\(|process\.env\.\w+\s*=[^=]|globalThis\.\w+\s*=[^=]/
    const others = unit.filter((f) => f !== 'test/suites.test.ts') // this file names the patterns
    expect(others.filter((f) => leaks.test(readFileSync(join(root, f), 'utf8')))).toEqual([])
  })

  // A unit test runs as any user without a build: one that drives the built CLI, a browser,
  // the test API server (openssl), Prometheus or promtool belongs in SYSTEM_TESTS.
  it('keeps unit tests away from the built CLI, Chromium, the test API server and Prometheus', () => {
    const needsSystem =
      /from '@oclif\/test'|from 'playwright-core'|support\/browser\.js'|k8s-api-server\/index\.js'|prometheus\/server\.js'|'promtool'|bin', 'run\.js'|bin\/run\.js/
    const others = unit.filter((f) => f !== 'test/suites.test.ts') // this file names the patterns
    expect(others.filter((f) => needsSystem.test(readFileSync(join(root, f), 'utf8')))).toEqual([])
  })
})
