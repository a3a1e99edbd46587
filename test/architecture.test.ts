import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'

// The pure core never imports node:*, the cluster client, oclif, or an edge layer. ESLint says
// the same; this test keeps the rule even when lint is not run.
const root = join(import.meta.dirname, '..')
const pureLayers = ['sim', 'model', 'stats', 'profile', 'report', 'lib', 'domain', 'analyze']
const forbidden = [/^node:/, /^(fs|path|os|child_process|worker_threads|crypto|http|https|net)$/, /^@kubernetes\/client-node/, /^@oclif\//, /\/(io|cluster|app|commands)\//]

function tsFiles(dir: string): string[] {
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(tsFiles(p))
    else if (p.endsWith('.ts')) out.push(p)
  }
  return out
}

export function importsOf(source: string): string[] {
  const specs: string[] = []
  for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push((m[1] ?? m[2])!)
  }
  return specs
}

describe('layering', () => {
  it('finds the imports of a module, static and dynamic', () => {
    expect(importsOf(`import {a} from 'node:fs'\nexport * from './x.js'\nconst m = await import('../io/y.js')`)).toEqual(['node:fs', './x.js', '../io/y.js'])
  })

  for (const layer of pureLayers) {
    it(`keeps src/${layer} free of node:* and edge imports`, () => {
      const dir = join(root, 'src', layer)
      const offenders: string[] = []
      for (const file of tsFiles(dir)) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          if (forbidden.some((re) => re.test(spec))) offenders.push(`${relative(root, file)} imports ${spec}`)
        }
      }
      expect(offenders).toEqual([])
    })
  }
})
