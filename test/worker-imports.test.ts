import {readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

// An analyze worker thread (src/app/analyze-worker.ts) starts once per core on every analyze run,
// and the run waits for it. It never validates a model or a snapshot, so it must not load zod: the
// model schemas alone took ~100 ms of its ~130 ms start (2026-11-30, Node 24, this 2-vCPU VM).
// src/model/kernel-constants.ts holds the two kernel facts the simulator used to import from
// src/model/schema.ts.

const src = join(import.meta.dirname, '..', 'src')

/** src-relative file a relative specifier names (`../x/y.js` from `a/b.ts` → `x/y.ts`); null for a package. */
function resolveSpec(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  return relative(src, resolve(dirname(join(src, fromFile)), spec)).replace(/\.js$/, '.ts')
}

/**
 * Specifiers a module loads when it is evaluated: static imports and re-exports, except those
 * TypeScript erases (`import type`, `export type`, and braces that name only types). Dynamic
 * `import()` is left out: it loads when called, not with the module.
 */
export function loadTimeImportsOf(source: string): string[] {
  const specs: string[] = []
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    if (m[5] !== undefined) {
      specs.push(m[5])
      continue
    }
    if (m[2] !== undefined) continue
    const clause = m[3]!
    const braces = /^\{([^}]*)\}$/.exec(clause.trim())
    if (braces && braces[1]!.split(',').every((name) => name.trim() === '' || /^type\s/.test(name.trim()))) continue
    specs.push(m[4]!)
  }
  return specs
}

/** Every src file and package `entry` (src-relative) loads when it is evaluated, transitively. */
function loadTimeClosure(entry: string): {files: Set<string>; packages: Set<string>} {
  const files = new Set<string>()
  const packages = new Set<string>()
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop()!
    if (files.has(file)) continue
    files.add(file)
    for (const spec of loadTimeImportsOf(readFileSync(join(src, file), 'utf8'))) {
      const target = resolveSpec(file, spec)
      if (target === null) packages.add(spec)
      else todo.push(target)
    }
  }
  return {files, packages}
}

describe('what an analyze worker loads', () => {
  it('tells load-time imports from erased and dynamic ones', () => {
    const source = [
      "import {a, type B} from './a.js'",
      "import type {C} from './c.js'",
      "import {type D, type E} from './d.js'",
      "export {f} from './f.js'",
      "export type {G} from './g.js'",
      "export * from './h.js'",
      "import './side.js'",
      "import * as z from 'zod'",
      "const lazy = await import('./lazy.js')",
    ].join('\n')
    expect(loadTimeImportsOf(source)).toEqual(['./a.js', './f.js', './h.js', './side.js', 'zod'])
  })

  it('finds zod behind the model schema, so the check below can fail', () => {
    expect(loadTimeClosure('model/schema.ts').packages).toContain('zod')
  })

  it.each(['app/analyze-worker.ts', 'app/simulate-worker.ts'])('%s does not load zod or the model schema', (worker) => {
    const {files, packages} = loadTimeClosure(worker)
    expect(files.has('sim/run-scenario.ts')).toBe(true)
    expect([...packages].sort()).not.toContain('zod')
    expect(files.has('model/schema.ts')).toBe(false)
  })
})
