// What users wait for (issue 12): events and starts per *real* second, for the whole process
// (start-up, model loading, statistics and output included: `bin/run.js simulate ... --json`
// with the built CLI) and for the engine alone (the same runs in this process, cold, as the CLI
// does them):
//   (a) simulate --kernel legacy --workload burst --pods 1000 --host-mounts 10000 --cores 32 --replications 3 --seed 1 --json
//   (b) simulate --kernel legacy --workload closed --concurrency 16 --starts 20000 --host-mounts 4000 --cores 2 --replications 1 --seed 1 --json
//   (b') the same with --sections-keep-core: an opt-in approximation that changes results
//        (docs/model.md), printed so its speed can be weighed against what it changes.
// (c) `analyze --demo` and (d) the 5,000-node snapshot are in analyze.bench.ts. Event counts are
// deterministic (the primary figure on a shared machine); wall and CPU time (user+sys) are
// printed with the load average. `--smoke`: (a) with 100 pods, (b) with 2,000 starts.
// Targets (issue 12 "Done when"), printed, never asserted: (a) >= 5 M events per real second
// whole process; (b) <= 93 events per start and >= 31,550 starts per real second.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import '../scripts/ts-specifiers.mjs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

const {parseSimulateFlags, buildScenario} = await import('../src/app/simulate.js')
const {runScenario} = await import('../src/sim/run-scenario.js')
const {loadShippedModels} = await import('../src/io/model-file.js')
const {defaultModelFor} = await import('../src/model/registry.js')
const {replicationSeed} = await import('../src/stats/replication-seeds.js')

const smoke = process.argv.includes('--smoke')
const root = join(import.meta.dirname, '..')
const fmt = (x: number, digits = 2): string => x.toLocaleString('en-US', {maximumFractionDigits: digits})
const load = (): string =>
  `load ${loadavg()
    .map((l) => fmt(l, 1))
    .join(' / ')} on ${cpus().length} cores`

interface Case {
  label: string
  flags: Record<string, string>
  /** Boolean flags switched on (`--name`). */
  switches?: string[]
}

const cases: Case[] = [
  {
    label: '(a) burst',
    flags: {kernel: 'legacy', workload: 'burst', pods: smoke ? '100' : '1000', 'host-mounts': '10000', cores: '32', replications: '3', seed: '1'},
  },
  {
    label: '(b) closed loop',
    flags: {
      kernel: 'legacy',
      workload: 'closed',
      concurrency: '16',
      starts: smoke ? '2000' : '20000',
      'host-mounts': '4000',
      cores: '2',
      replications: '1',
      seed: '1',
    },
  },
]
cases.push({label: "(b') closed loop, --sections-keep-core (opt-in approximation, changes results)", flags: cases[1]!.flags, switches: ['sections-keep-core']})

// CI (--smoke) has just built; a full run rebuilds so the figures are for the current sources.
if (smoke && existsSync(join(root, 'dist', 'commands', 'simulate.js')) && existsSync(join(root, 'oclif.manifest.json'))) {
  process.stdout.write('using the existing dist/ (--smoke)\n')
} else {
  process.stdout.write('building dist/ ... ')
  const build = spawnSync('npm', ['run', '-s', 'build'], {cwd: root, encoding: 'utf8'})
  process.stdout.write(build.status === 0 ? 'ok\n' : `npm run build exited ${build.status}\n${build.stderr.slice(-800)}\n`)
}
console.log(`machine: ${load()}, node ${process.version}`)

/** The simulate command's flag defaults, from the manifest the build writes (the CLI's own; boolean defaults are not in it). */
function simulateDefaults(): Record<string, string | boolean> {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {flags: Record<string, {default?: string | boolean}>}>
  }
  const flags = manifest.commands['simulate']!.flags
  return Object.fromEntries(Object.entries(flags).flatMap(([name, f]) => (f.default === undefined ? [] : [[name, f.default]])))
}

const dir = mkdtempSync(join(tmpdir(), 'dp-bench-wait-'))
try {
  // Start-up: `--help` and `simulate --help`, median of 7 runs (3 with --smoke). Target <= 0.25 s.
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  for (const helpArgs of [['--help'], ['simulate', '--help']]) {
    const walls: number[] = []
    const cpuSs: number[] = []
    const rss: number[] = []
    for (let i = 0; i < (smoke ? 3 : 7); i++) {
      const usageFile = join(dir, 'help-usage.json')
      const t0 = performance.now()
      spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'usage-at-exit.mjs'), join(root, 'bin', 'run.js'), ...helpArgs], {
        encoding: 'utf8',
        env: {...process.env, DP_USAGE_FILE: usageFile},
      })
      walls.push((performance.now() - t0) / 1e3)
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as {cpuS: number; maxRssMb: number}
      cpuSs.push(usage.cpuS)
      rss.push(usage.maxRssMb)
    }
    console.log(
      `densityplan ${helpArgs.join(' ')}: median ${fmt(median(walls), 3)} s wall, ${fmt(median(cpuSs), 3)} CPU-s, ${fmt(median(rss), 0)} MB over ${walls.length} runs (target <= 0.25 s) [${load()}]`,
    )
  }

  const shipped = await loadShippedModels()
  for (const c of cases) {
    const switches = c.switches ?? []
    const args = [...Object.entries(c.flags).flatMap(([k, v]) => [`--${k}`, v]), ...switches.map((s) => `--${s}`)]
    const usageFile = join(dir, 'usage.json')
    const t0 = performance.now()
    const r = spawnSync(
      process.execPath,
      ['--import', join(import.meta.dirname, 'usage-at-exit.mjs'), join(root, 'bin', 'run.js'), 'simulate', ...args, '--json'],
      {encoding: 'utf8', maxBuffer: 256 * 2 ** 20, env: {...process.env, DP_USAGE_FILE: usageFile}},
    )
    const wallS = (performance.now() - t0) / 1e3
    if (r.status !== 0) {
      console.log(`${c.label}: simulate exited ${r.status}: ${r.stderr.slice(-500)}`)
      continue
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as {cpuS: number; maxRssMb: number}
    const out = JSON.parse(r.stdout) as {events: number}

    // The same runs in this process: the engine alone (no start-up, statistics or output).
    const request = parseSimulateFlags({
      pod: true,
      ...simulateDefaults(),
      ...c.flags,
      ...Object.fromEntries(switches.map((s) => [s, true])),
    } as unknown as Parameters<typeof parseSimulateFlags>[0])
    const loaded = defaultModelFor(shipped, 'legacy')
    const scenario = buildScenario(request, 'legacy', loaded)
    let engineEvents = 0
    let instants = 0
    let starts = 0
    const c0 = process.cpuUsage()
    const e0 = performance.now()
    for (let i = 0; i < request.replications; i++) {
      const run = runScenario(loaded.model, scenario, replicationSeed(request.seed, i))
      engineEvents += run.events
      starts += run.podStartNs.length > 0 ? run.podStartNs.length : run.containerStartNs.length
    }
    const engineWallS = (performance.now() - e0) / 1e3
    const cu = process.cpuUsage(c0)
    const engineCpuS = (cu.user + cu.system) / 1e6
    // Counted in runs of their own: counting slows the engine's loop, and the runs above are timed.
    for (let i = 0; i < request.replications; i++)
      instants += runScenario(loaded.model, scenario, replicationSeed(request.seed, i), {countInstants: true}).instants!
    console.log(
      `${c.label}: simulate ${args.join(' ')} --json\n` +
        `  ${fmt(out.events, 0)} events, ${fmt(starts, 0)} pod starts, ${fmt(out.events / starts, 1)} events per start` +
        ` at ${fmt(instants / starts, 1)} distinct instants per start (the floor for an engine with an event at every hand-over)` +
        (engineEvents === out.events ? '' : ` (engine-only run counted ${fmt(engineEvents, 0)}: MISMATCH)`) +
        `\n  whole process: ${fmt(wallS, 2)} s wall, ${fmt(usage.cpuS, 2)} CPU-s, ${fmt(usage.maxRssMb, 0)} MB peak RSS = ${fmt(out.events / wallS / 1e6)} M events/s, ${fmt(starts / wallS, 0)} starts/s real (${fmt(out.events / usage.cpuS / 1e6)} M events, ${fmt(starts / usage.cpuS, 0)} starts per CPU-s)` +
        `\n  engine only:   ${fmt(engineWallS, 2)} s wall, ${fmt(engineCpuS, 2)} CPU-s = ${fmt(engineEvents / engineWallS / 1e6)} M events/s, ${fmt(starts / engineWallS, 0)} starts/s real (${fmt(engineEvents / engineCpuS / 1e6)} M events, ${fmt(starts / engineCpuS, 0)} starts per CPU-s)  [${load()}]`,
    )
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
