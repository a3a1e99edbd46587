import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

// The map of src/ (docs/architecture.md explains it): every folder has a rank, and a file may
// import only from its own folder or from a folder of a lower rank. Two folders of the same
// rank know nothing of each other. There is no exceptions list: an import that breaks the order
// means a file is in the wrong folder or a folder has the wrong rank; fix that instead.
export const RANKS: Readonly<Record<string, number>> = {
  errors: 0, // error kinds and the exit-code table
  lib: 0, // seeded PRNG, hashing: helpers that know nothing of the domain
  domain: 0, // data types that cross the seams: snapshot, analysis result
  stats: 0, // quantiles, bootstrap, fits, rounding
  model: 1, // kernel cost models: schema, registry, distributions, calibration fitting
  sim: 2, // discrete-event simulation of one node
  profile: 2, // snapshot → mount profiles → node classes
  analyze: 3, // node classes → plans → simulations → verdicts (the analysis result)
  demo: 3, // deterministic synthetic clusters (the --demo snapshot, benchmarks)
  report: 4, // analysis result → HTML, JSON, CSV, Markdown, charts
  io: 5, // files, processes, the probe: the machine's edge
  cluster: 5, // the Kubernetes API: the cluster's edge
  app: 6, // use cases: wire the edges to the pure core
  cli: 6, // terminal presentation: kubectl argv mapping, the one-screen summary
  commands: 7, // oclif commands: flags → one app call → output
}

// The pure core never imports node:*, the cluster client, oclif, or an edge layer. ESLint says
// the same; this test keeps the rule even when lint is not run.
const root = join(import.meta.dirname, '..')
const src = join(root, 'src')
const pureLayers = ['sim', 'model', 'stats', 'profile', 'report', 'lib', 'domain', 'analyze', 'demo', 'cli']
const forbidden = [
  /^node:/,
  /^(fs|path|os|child_process|worker_threads|crypto|http|https|net)$/,
  /^@kubernetes\/client-node/,
  /^@oclif\//,
  /\/(io|cluster|app|commands)\//,
]

function tsFiles(dir: string): string[] {
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(tsFiles(p))
    else if (p.endsWith('.ts')) out.push(p)
  }
  return out
}

/** Module specifiers a file imports: static, type-only, re-exports, side-effect and dynamic imports. */
export function importsOf(source: string): string[] {
  const specs: string[] = []
  for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    specs.push((m[1] ?? m[2] ?? m[3])!)
  }
  return specs
}

/** src-relative path of the file a relative specifier names (`../x/y.js` → `x/y.ts`); null for packages. */
export function resolveSpec(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  return relative(src, resolve(dirname(join(src, fromFile)), spec)).replace(/\.js$/, '.ts')
}

export function folderOf(file: string): string {
  return file.split('/')[0]!
}

/** The imports in `graph` that leave their folder for one of the same or a higher rank. */
export function rankViolations(graph: ReadonlyMap<string, readonly string[]>, ranks: Readonly<Record<string, number>>): string[] {
  const out: string[] = []
  for (const [file, targets] of graph) {
    const from = folderOf(file)
    for (const target of targets) {
      const to = folderOf(target)
      if (to === from) continue
      const [a, b] = [ranks[from], ranks[to]]
      if (a === undefined || b === undefined) out.push(`${file} → ${target}: folder ${a === undefined ? from : to} has no rank`)
      else if (b >= a) out.push(`${file} (${from}, rank ${a}) → ${target} (${to}, rank ${b}): ${b === a ? 'sideways' : 'up'}`)
    }
  }
  return out
}

/** Every import cycle between files, each as the path that closes it (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      const selfLoop = (graph.get(v) ?? []).includes(v)
      if (component.length > 1 || selfLoop) cycles.push(component.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return cycles
}

function sourceGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of tsFiles(src)) {
    const rel = relative(src, file)
    graph.set(
      rel,
      importsOf(readFileSync(file, 'utf8'))
        .map((s) => resolveSpec(rel, s))
        .filter((t): t is string => t !== null),
    )
  }
  return graph
}

describe('layering', () => {
  it('finds the imports of a module, static, type-only, side-effect and dynamic', () => {
    const source = `import {a} from 'node:fs'\nimport type {T} from '../t.js'\nimport './side.js'\nexport * from './x.js'\nconst m = await import('../io/y.js')`
    expect(importsOf(source)).toEqual(['node:fs', '../t.js', './side.js', './x.js', '../io/y.js'])
  })

  for (const layer of pureLayers) {
    it(`keeps src/${layer} free of node:* and edge imports`, () => {
      const dir = join(src, layer)
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

describe('rank order', () => {
  it('flags an import that goes up or sideways, and one into a folder without a rank', () => {
    const graph = new Map([
      ['sim/a.ts', ['model/b.ts', 'sim/c.ts']],
      ['model/b.ts', ['sim/a.ts']],
      ['profile/d.ts', ['sim/a.ts', 'newfolder/e.ts']],
    ])
    expect(rankViolations(graph, RANKS)).toEqual([
      'model/b.ts (model, rank 1) → sim/a.ts (sim, rank 2): up',
      'profile/d.ts (profile, rank 2) → sim/a.ts (sim, rank 2): sideways',
      'profile/d.ts → newfolder/e.ts: folder newfolder has no rank',
    ])
  })

  it('gives every folder of src/ a rank', () => {
    const folders = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory())
    expect(folders.filter((f) => RANKS[f] === undefined)).toEqual([])
    expect(Object.keys(RANKS).filter((f) => !folders.includes(f))).toEqual([])
  })

  it('has every import in src/ go to its own folder or to a lower rank', () => {
    expect(rankViolations(sourceGraph(), RANKS)).toEqual([])
  })
})

describe('import cycles', () => {
  it('finds a cycle of two files, a longer one and a file importing itself, and nothing in a chain', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts', 'c.ts']],
      ['c.ts', ['d.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', ['c.ts']],
      ['f.ts', ['f.ts']],
      ['g.ts', ['a.ts']],
    ])
    expect(importCycles(graph).sort()).toEqual([['a.ts', 'b.ts'], ['c.ts', 'd.ts', 'e.ts'], ['f.ts']])
  })

  it('finds no import cycle between the files of src/', () => {
    expect(importCycles(sourceGraph())).toEqual([])
  })

  it('resolves every relative import of src/ to a file that exists', () => {
    const graph = sourceGraph()
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${file} → ${t}`))
    expect(missing).toEqual([])
  })
})

describe('the map in docs/', () => {
  it('lists every ranked folder in docs/architecture.md with the rank the test enforces', () => {
    const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8')
    const rows = new Map([...doc.matchAll(/^\| (\d+) \| `([a-z]+)\/` \|/gm)].map((m) => [m[2]!, Number(m[1])]))
    expect(Object.fromEntries(rows)).toEqual(RANKS)
  })

  // A clone has only the repository: a comment or page that cites a document must cite one in it.
  it('has comments and docs cite only documents that exist in the repository', () => {
    const dirs = ['src', 'scripts', 'bench', 'test', 'native', 'docs', 'bin']
    const files = dirs.flatMap((d) => allFiles(join(root, d))).filter((f) => !f.includes(`${join('test', 'fixtures')}`) && /\.(ts|js|c|h|sh|md)$/.test(f))
    const missing: string[] = []
    // This file is left out: its own examples cite documents that do not exist.
    for (const file of files.concat(join(root, 'README.md')).filter((f) => f !== import.meta.filename)) {
      for (const cited of citedDocuments(readFileSync(file, 'utf8'))) {
        const candidates = [join(root, cited), join(dirname(file), cited)]
        // Inside the repository only: ../shared exists on a developer's machine, not in a clone.
        if (!candidates.some((c) => !relative(root, c).startsWith('..') && existsSync(c))) missing.push(`${relative(root, file)} cites ${cited}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('reads a cited document as a path with a folder, or as a design note named alone', () => {
    expect(citedDocuments('see docs/model.md and ../shared/design/kernel-model.md; kernel-model.md "rules"; out.md = x; https://x.io/a/b.md')).toEqual([
      'docs/model.md',
      '../shared/design/kernel-model.md',
      'kernel-model.md',
    ])
  })
})

/** Documents a text cites: any `dir/name.md` path, and the design notes' names on their own. */
export function citedDocuments(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)*(?:[\w.-]+\/)+[\w.-]+\.md|(?:kernel-model|architecture|stack|style)\.md)\b/g)) out.push(m[1]!)
  return out
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(allFiles(p))
    else out.push(p)
  }
  return out
}
