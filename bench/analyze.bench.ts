// Benchmark: `densityplan analyze` end to end with the built CLI (bin/run.js → dist/), timed
// with /usr/bin/time for wall time, CPU time (user+sys; the machine is shared, so quote it with
// the load average) and peak RSS (workers included: they are threads).
//   1. `analyze --demo` (the README's command). Target (issue 12): under 5 s.
//   2. a generated 5,000-node / ~150,000-pod snapshot. Target (issue 12): under 15 s and 1 GB peak.
// `--smoke`: the demo with 2 replications and a 500-node snapshot.
//
// bench/run.ts starts this file with plain `node --expose-gc`; the generator lives in src/ with
// `.js` import specifiers that only tsx resolves, so the file re-runs itself under tsx first.
import {spawnSync} from 'node:child_process'

if (!process.env['DP_BENCH_TSX']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {...process.env, DP_BENCH_TSX: '1'},
  })
  process.exit(r.status ?? 1)
}

const smoke = process.argv.includes('--smoke')
const {mkdtempSync, rmSync, statSync} = await import('node:fs')
const {loadavg, tmpdir} = await import('node:os')
const {join} = await import('node:path')
const {generateSnapshot, largeSpec} = await import('../src/demo/generator.js')
const {shippedStartLatencies} = await import('../src/io/demo-observed.js')
const {writeSnapshot} = await import('../src/io/snapshot-file.js')

const root = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'dp-bench-analyze-'))
try {
  process.stdout.write('building dist/ and oclif.manifest.json ... ')
  const build = spawnSync('npm', ['run', '-s', 'build'], {cwd: root, encoding: 'utf8'})
  process.stdout.write(build.status === 0 ? 'ok\n' : `npm run build exited ${build.status} (type errors elsewhere? dist/ may still have been emitted)\n`)

  const demoArgs = ['analyze', '--demo', '--format', 'html,json', '--out', join(dir, 'demo.html'), ...(smoke ? ['--replications', '2'] : [])]
  report('analyze --demo', timed(demoArgs), {seconds: 5})

  const nodes = smoke ? 500 : 5000
  // Observed starts from the models' simulation of today, as in the demo, so the back-test fits
  // converge as they would on a cluster the model describes (not 24 steps against made-up data).
  const snapshot = generateSnapshot(largeSpec(nodes, 20), await shippedStartLatencies())
  const path = join(dir, 'snapshot-large.json')
  await writeSnapshot(path, snapshot)
  process.stdout.write(`generated ${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods (${(statSync(path).size / 1e6).toFixed(0)} MB snapshot)\n`)
  report(
    `analyze --snapshot (${nodes} nodes, ${snapshot.pods.length} pods)`,
    timed(['analyze', '--snapshot', path, '--format', 'html,json', '--out', join(dir, 'large.html')]),
    {seconds: 15, mb: 1024},
  )
} finally {
  rmSync(dir, {recursive: true, force: true})
}

function timed(args: string[]): {seconds: number; cpuSeconds: number; peakMb: number; status: number | null; tail: string} {
  const r = spawnSync('/usr/bin/time', ['-f', 'DP_TIME %e %M %U %S', process.execPath, join(root, 'bin', 'run.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  })
  const m = /DP_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
  const summary = r.stdout
    .split('\n')
    .filter((l) => /classes|Overall|Wrote/.test(l))
    .join('\n')
  return {
    seconds: Number(m?.[1] ?? NaN),
    cpuSeconds: Number(m?.[3] ?? NaN) + Number(m?.[4] ?? NaN),
    peakMb: Number(m?.[2] ?? NaN) / 1024,
    status: r.status,
    tail: summary || r.stderr.slice(-500),
  }
}

function report(name: string, t: ReturnType<typeof timed>, target: {seconds: number; mb?: number}): void {
  const ok = t.status === 0 && t.seconds < target.seconds && (target.mb === undefined || t.peakMb < target.mb)
  process.stdout.write(
    `${name}: ${t.seconds.toFixed(1)} s wall, ${t.cpuSeconds.toFixed(1)} CPU-s (user+sys), ${t.peakMb.toFixed(0)} MB peak RSS, load ${loadavg()[0]!.toFixed(1)}, exit ${t.status} — target < ${target.seconds} s${target.mb ? `, < ${target.mb} MB` : ''}: ${ok ? 'met' : 'MISSED'}\n${t.tail}\n`,
  )
}
