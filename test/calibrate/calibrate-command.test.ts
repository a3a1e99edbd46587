import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {KernelModelSchema} from '../../src/model/schema.js'

// Runs the built CLI (npm test builds first) against the real kernel. CI runs as root.
const root = join(import.meta.dirname, '..', '..')
const cli = join(root, 'bin', 'run.js')
let dir = ''

// As uid 65534 the CLI must still read the checkout and node, wherever they are: a clone in
// root's home (mode 700) or in a `mktemp -d` directory is not traversable by that uid. So the
// process keeps exactly one capability, CAP_DAC_READ_SEARCH (read and search any file, nothing
// else; ambient, so it survives the exec of node), and loses every other one, including
// CAP_SYS_ADMIN that calibrate needs: it is a real non-root process that can read the code.
const NOBODY = [
  '--reuid=65534',
  '--regid=65534',
  '--clear-groups',
  '--bounding-set=-all,+dac_read_search',
  '--inh-caps=-all,+dac_read_search',
  '--ambient-caps=+dac_read_search',
  '--',
]

function run(args: string[], opts: {asNobody?: boolean} = {}) {
  const cmd = opts.asNobody ? 'setpriv' : process.execPath
  const argv = opts.asNobody ? [...NOBODY, process.execPath, cli, ...args] : [cli, ...args]
  return spawnSync(cmd, argv, {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('these tests measure the kernel and must run as root (CI does): sudo npx vitest run test/calibrate')
  dir = mkdtempSync(join(tmpdir(), 'densityplan-calibrate-test-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('densityplan calibrate', () => {
  // How long --quick takes is a figure, not an assertion: the calibrate benchmark prints it.
  it('writes a schema-valid model with provenance and raw points with --quick', () => {
    const out = join(dir, 'model.json')
    const r = run(['calibrate', '--quick', '--no-crun', '--out', out, '--json'])
    expect(
      r.stderr
        .split('\n')
        .filter((l) => l.startsWith('Error'))
        .join('\n'),
    ).toBe('')
    expect(r.status).toBe(0)
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(model.provenance.kernel).toBe(spawnSync('uname', ['-r'], {encoding: 'utf8'}).stdout.trim())
    expect(model.provenance.rawPoints?.length).toBeGreaterThan(100)
    expect(model.costs.copy.perUnitNs).toBeGreaterThan(0)
    expect(model.costs.copy.source.samples).toBeGreaterThanOrEqual(5 * 4)
    const result = JSON.parse(r.stdout) as {written: Array<{path: string}>}
    expect(result.written[0]?.path).toBe(out)
  }, 90_000)

  it('with --rounds 2, takes each coefficient from both rounds and their range as its spread', () => {
    const out = join(dir, 'rounds.json')
    const r = run(['calibrate', '--plan', 'smoke', '--rounds', '2', '--no-crun', '--out', out])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/round 2 of 2/)
    const model = KernelModelSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(model.provenance.tool).toMatch(/--plan smoke --rounds 2/)
    const copy = model.costs.copy
    expect(copy.spread?.method).toMatch(/2 calibrate rounds/)
    expect(copy.spread!.perUnitNs.low).toBeLessThanOrEqual(copy.perUnitNs)
    expect(copy.spread!.perUnitNs.high).toBeGreaterThanOrEqual(copy.perUnitNs)
    // Both rounds' raw points are kept: the smoke plan's 3 mount counts × 5 repetitions, twice.
    expect(model.provenance.rawPoints?.filter((p) => p.param === 'copy')).toHaveLength(2 * 3 * 5)
  }, 90_000)

  it('refuses to overwrite an existing file without --force (exit 2, file untouched)', () => {
    const out = join(dir, 'existing.json')
    writeFileSync(out, 'keep me')
    const r = run(['calibrate', '--quick', '--out', out])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/already exists/)
    expect(r.stderr).toMatch(/--force/)
    expect(readFileSync(out, 'utf8')).toBe('keep me')
  })

  it('refuses to run without root, with exit 2 and the fix', () => {
    const r = run(['calibrate', '--quick', '--out', join(dir, 'nobody.json')], {asNobody: true})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/needs root/)
    expect(r.stderr).toMatch(/Try this: .*sudo/)
  })
})
