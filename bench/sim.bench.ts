// Simulation core throughput: engine events and simulated container starts per CPU-second of
// this process (what one core does; the machine is shared, so wall-clock rates are printed
// alongside, with the load average) for (a) a 1,000-pod burst on a 10,000-mount node with 32
// cores and (b) a closed loop of 16 workers × 50,000 starts each, on both paths. `--smoke`: 1/10
// of the sizes. Uses models/linux-*.json when present (one per path), else the synthetic test
// fixture. Each scenario is timed after three warm-up runs (JIT); a short one (the burst) is
// repeated for at least ~2 s and the figure is the total over the repetitions (GC included).
// CPU-s is the whole process (process.cpuUsage: V8's compiler and GC helper threads too); the
// main thread's alone (process.threadCpuUsage) is printed next to it. Never asserted.
// Run: npm run bench -- sim [--smoke]
import {readdirSync, readFileSync} from 'node:fs'
import '../scripts/ts-specifiers.mjs'
import {cpus, loadavg} from 'node:os'
import {join} from 'node:path'

const {Environment} = await import('../src/sim/engine.js')
const {runScenario} = await import('../src/sim/run-scenario.js')
const {KernelModelSchema} = await import('../src/model/schema.js')
const {fixtureModel} = await import('../test/sim/fixtures/model.js')
type KernelModel = import('../src/model/schema.js').KernelModel
type Scenario = import('../src/sim/scenario.js').Scenario

const smoke = process.argv.includes('--smoke')
const scale = smoke ? 0.1 : 1
const modelsDir = join(import.meta.dirname, '..', 'models')

function modelFor(path: 'legacy' | 'otn'): {model: KernelModel; name: string} {
  let files: string[] = []
  try {
    files = readdirSync(modelsDir)
      .filter((f) => /^linux-.*\.json$/.test(f))
      .sort()
  } catch {
    // no models/ directory: fall back to the fixture
  }
  const models = files.map((f) => ({name: `models/${f}`, model: KernelModelSchema.parse(JSON.parse(readFileSync(join(modelsDir, f), 'utf8')))}))
  const pick = models.find((m) => m.model.path === path) ?? models.find((m) => path === 'legacy' || m.model.kernel.openTreeNamespace) ?? models[0]
  return pick ?? {model: fixtureModel(), name: 'test/sim/fixtures/model.ts (synthetic)'}
}

const fmt = (x: number, digits = 2): string => x.toLocaleString('en-US', {maximumFractionDigits: digits})

/**
 * Times `fn` by wall clock and by this process's CPU time. The machine is shared, so rates are
 * given per CPU-second (what one core does) with the wall figure alongside.
 */
function timed<T>(fn: () => T): {result: T; wallS: number; cpuS: number; mainCpuS: number} {
  const c0 = process.cpuUsage()
  const m0 = process.threadCpuUsage()
  const t0 = performance.now()
  const result = fn()
  const wallS = (performance.now() - t0) / 1e3
  const m = process.threadCpuUsage(m0)
  const c = process.cpuUsage(c0)
  return {result, wallS, cpuS: (c.user + c.system) / 1e6, mainCpuS: (m.user + m.system) / 1e6}
}

/** Pure engine cost: `processes` generators each yielding `steps` timeouts; best of 3 (JIT warm). */
function engineOnly(processes: number): void {
  const steps = Math.round((5_000_000 / processes) * scale)
  let best = {rate: 0, wallRate: 0, events: 0}
  for (let rep = 0; rep < 3; rep++) {
    const env = new Environment()
    for (let p = 0; p < processes; p++) {
      env.process(
        (function* () {
          for (let i = 0; i < steps; i++) yield env.timeout(1 + ((i * 7 + p) % 13))
        })(),
      )
    }
    const {wallS, cpuS} = timed(() => env.run())
    const n = env.eventsProcessed
    if (n / cpuS > best.rate) best = {rate: n / cpuS, wallRate: n / wallS, events: n}
  }
  console.log(
    `engine only, ${processes} processes × ${fmt(steps, 0)} timeouts (${fmt(best.events, 0)} events, best of 3): ${fmt(best.rate / 1e6)} M events/CPU-s (${fmt(best.wallRate / 1e6)} M/s wall)`,
  )
}

/** Load average over the last minute against the cores: above 1 per core, CPU-s rates are the fairer figure. */
function load(): string {
  const [one, five] = loadavg()
  return `load ${fmt(one!, 1)} (5 min ${fmt(five!, 1)}) on ${cpus().length} cores`
}

/**
 * Times `scenario` after `warmup` (a smaller one) has run for ~2 CPU-s (at least 3 times) so the
 * JIT is warm (the scripts' generators are optimised late: three runs of a 1,000-pod burst were
 * not enough); then one run, repeated while the total is under ~2 s wall (0.5 s with --smoke; at most 20 runs), so a
 * short scenario is not one GC pause's worth of noise. Rates are totals over the timed runs.
 */
function scenarioRun(label: string, path: 'legacy' | 'otn', scenario: Scenario, warmup: Scenario): void {
  const {model, name} = modelFor(path)
  const warmupCpuS = smoke ? 0.2 : 2
  for (let i = 0, spentS = 0; i < 3 || spentS < warmupCpuS; i++) spentS += timed(() => runScenario(model, warmup, 2 + i)).cpuS
  globalThis.gc?.()
  let runs = 0
  let events = 0
  let cpuS = 0
  let mainCpuS = 0
  let wallS = 0
  let out: ReturnType<typeof runScenario> | undefined
  const minWallS = smoke ? 0.5 : 2
  while (runs === 0 || (wallS < minWallS && runs < 20)) {
    const t = timed(() => runScenario(model, scenario, 1))
    out = t.result
    events += out.events
    cpuS += t.cpuS
    mainCpuS += t.mainCpuS
    wallS += t.wallS
    runs++
  }
  const starts = out!.containerStartNs.length
  const sortedStarts = Float64Array.from(out!.containerStartNs).sort()
  const p99 = sortedStarts[Math.min(starts - 1, Math.floor(0.99 * starts))]! / 1e6
  console.log(
    `${label} [${path}, ${name}]: ${fmt(starts, 0)} starts, ${fmt(out!.events, 0)} events per run, ${runs} run${runs > 1 ? 's' : ''} in ${fmt(cpuS, 3)} CPU-s (${fmt(wallS, 3)} s wall)` +
      ` = ${fmt(events / cpuS / 1e6)} M events/CPU-s (${fmt(events / mainCpuS / 1e6)} M per main-thread CPU-s, ${fmt(events / wallS / 1e6)} M/s wall),` +
      ` ${fmt((starts * runs) / cpuS, 0)} starts/CPU-s (${fmt((starts * runs) / wallS, 0)}/s wall)` +
      ` (simulated ${fmt(out!.simulatedNs / 1e9, 2)} s, start p99 ${fmt(p99, 1)} ms, sem utilisation ${fmt(out!.sem.utilization, 3)}; ${load()})`,
  )
}

const pod = {
  containers: 1,
  initContainers: 0,
  rootfsMounts: 1,
  runtimeMounts: 10,
  hostMountsPerPod: 5,
  containerMounts: 11,
  podOverhead: null,
  runtimeOnly: false,
}
const burst = (path: 'legacy' | 'otn'): Scenario => ({
  path,
  workload: {kind: 'burst', pods: Math.round(1_000 * scale)},
  cores: 32,
  systemThreads: 2_000,
  hostMounts: 10_000,
  pod,
  readers: {count: 2, intervalNs: 1e9},
  runtimeOverhead: null,
  teardown: false,
})
const workers = 16
const perWorker = Math.round(50_000 * scale)
const closed = (path: 'legacy' | 'otn'): Scenario => ({
  path,
  workload: {kind: 'closed', concurrency: workers, starts: workers * perWorker},
  cores: 32,
  systemThreads: 2_000,
  hostMounts: 1_000,
  pod: {...pod, runtimeOnly: true},
  readers: {count: 0, intervalNs: 1e9},
  runtimeOverhead: null,
  teardown: true,
})

console.log(`machine: ${load()}, node ${process.version}`)
engineOnly(100)
engineOnly(1_000)
for (const path of ['legacy', 'otn'] as const)
  scenarioRun(`(a) burst ${Math.round(1_000 * scale)} pods, 10,000 mounts, 32 cores`, path, burst(path), burst(path))
for (const path of ['legacy', 'otn'] as const) {
  const warm = closed(path)
  scenarioRun(`(b) closed ${workers} workers × ${fmt(perWorker, 0)} starts, 1,000 mounts`, path, closed(path), {
    ...warm,
    workload: {kind: 'closed', concurrency: workers, starts: 2_000},
  })
}
