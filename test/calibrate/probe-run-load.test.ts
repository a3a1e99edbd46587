import {describe, expect, it} from 'vitest'
import {series} from '../../src/io/probe-output.js'
import {ensureProbe, runProbe} from '../../src/io/probe-runner.js'

// The probe's run-load with extra sleeping threads (validate --threads): it used to wait for
// every child, including the thread holder that never exits, and hung after the last start.
describe('dp-probe run-load', () => {
  it('finishes with extra threads held on the system and counts them', async () => {
    if (process.getuid?.() !== 0) throw new Error('run-load mounts in a private namespace and must run as root (CI does): sudo npx vitest run test/calibrate')
    const probe = ensureProbe()
    const out = await runProbe(
      probe,
      'run-load',
      ['--scratch', '/run', '--added', '0', '--concurrency', '2', '--starts', '4', '--warmup', '0', '--threads', '200', '--', '/bin/true'],
      {timeoutMs: 30_000},
    )
    expect(series(out, 'start')).toHaveLength(4)
    expect(series(out, 'threads')[0]!.x).toBeGreaterThanOrEqual(200)
  }, 40_000)
})
