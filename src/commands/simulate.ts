import {Flags} from '@oclif/core'
import {SingleBar} from 'cli-progress'
import Table from 'cli-table3'
import {parseSimulateFlags, simulate} from '../app/simulate.js'
import {KERNELS, WORKLOADS} from '../app/simulate-request.js'
import {isBothKernels, type KernelSimulationResult, type SimulateResult} from '../domain/simulation.js'
import {BaseCommand} from './base-command.js'

export default class Simulate extends BaseCommand {
  static override summary = 'Simulate container and pod start latency under the global namespace_sem: legacy CLONE_NEWNS vs OPEN_TREE_NAMESPACE.'
  static override description =
    'Runs seeded discrete-event simulations of one node (docs/model.md says what is modelled) and reports p50/p90/p99 container and pod start times, ' +
    '95% bootstrap intervals across replications, lock utilisation and, with --kernel both, the speedup. The same flags and --seed give byte-identical --json output.'

  static override examples = [
    '<%= config.bin %> simulate --kernel both --workload closed --concurrency 8 --starts 2000 --host-mounts 4000',
    '<%= config.bin %> simulate --workload burst --pods 110 --volumes-per-pod 3 --cores 8 --json',
    '<%= config.bin %> simulate --kernel legacy --model models/linux-6.18-legacy.json --workload poisson --rate 5 --duration 60s',
  ]

  static override flags = {
    kernel: Flags.string({
      description: 'Start path(s): legacy CLONE_NEWNS, otn (open_tree OPEN_TREE_NAMESPACE, Linux >= 7.0), or both.',
      options: [...KERNELS],
      default: 'both',
    }),
    model: Flags.string({description: 'Kernel model file for the legacy path (default: newest shipped legacy model).', helpValue: 'FILE'}),
    'otn-model': Flags.string({description: 'Kernel model file for the otn path (default: newest shipped otn model).', helpValue: 'FILE'}),
    workload: Flags.string({
      description: 'burst: N pods at once; poisson: random arrivals; closed: C workers starting back to back.',
      options: [...WORKLOADS],
      default: 'closed',
      helpGroup: 'WORKLOAD',
    }),
    pods: Flags.string({helpValue: 'N', description: 'Pods created at once (burst) [default 30].', helpGroup: 'WORKLOAD'}),
    rate: Flags.string({helpValue: 'R', description: 'Pod arrivals per second (poisson) [default 1].', helpGroup: 'WORKLOAD'}),
    duration: Flags.string({helpValue: 'D', description: 'Arrival window, e.g. 30s, 500ms (poisson) [default 60s].', helpGroup: 'WORKLOAD'}),
    concurrency: Flags.string({helpValue: 'C', description: 'Concurrent workers (closed) [default 8].', helpGroup: 'WORKLOAD'}),
    starts: Flags.string({helpValue: 'N', description: 'Total starts over all workers (closed) [default 1000].', helpGroup: 'WORKLOAD'}),
    'containers-per-pod': Flags.string({helpValue: 'N', description: 'App containers per pod.', default: '1', helpGroup: 'POD'}),
    'init-containers': Flags.string({helpValue: 'N', description: 'Init containers per pod.', default: '0', helpGroup: 'POD'}),
    'volumes-per-pod': Flags.string({
      helpValue: 'N',
      description: 'Secret/projected/downwardAPI/memory volumes per pod: one host tmpfs each, bound into every container.',
      default: '1',
      helpGroup: 'POD',
    }),
    'host-mounts-per-pod': Flags.string({
      helpValue: 'N',
      description: 'Host mounts each pod adds [default: 3 + containers + init containers + volumes].',
      helpGroup: 'POD',
    }),
    'rootfs-mounts': Flags.string({helpValue: 'K', description: 'Mounts in a container rootfs subtree (k).', default: '1', helpGroup: 'POD'}),
    'runtime-mounts': Flags.string({
      helpValue: 'N',
      description: 'Mounts the OCI runtime adds per container (proc, sysfs, dev, binds...), before volumes.',
      default: '10',
      helpGroup: 'POD',
    }),
    'runtime-overhead': Flags.string({
      helpValue: 'D|model',
      description: "Non-mount part of a runtime start: a duration, or 'model' for the model's forkExecOverhead.",
      default: 'model',
      helpGroup: 'POD',
    }),
    'pod-overhead': Flags.string({
      helpValue: 'D',
      description: 'Non-kernel pod start time (kubelet, CNI, shim), e.g. 800ms [default: not modelled].',
      helpGroup: 'POD',
    }),
    pod: Flags.boolean({
      description: 'Simulate pods (sandbox + containers + host mounts); --no-pod simulates bare runtime starts.',
      default: true,
      allowNo: true,
      helpGroup: 'POD',
    }),
    'legacy-fallback': Flags.string({
      helpValue: 'F',
      description: 'Fraction (0-1) of containers on the otn path that crun starts the legacy way (OCI hooks such as the GPU toolkit, hostUsers: false).',
      default: '0',
      helpGroup: 'POD',
    }),
    cores: Flags.string({helpValue: 'N', description: 'CPUs of the node.', default: '2', helpGroup: 'NODE'}),
    'system-threads': Flags.string({helpValue: 'N', description: 'Threads on the node (pivot_root walks them all).', default: '1000', helpGroup: 'NODE'}),
    'host-mounts': Flags.string({
      helpValue: 'M',
      description: 'Mounts in the host mount namespace before the workload (M).',
      default: '1000',
      helpGroup: 'NODE',
    }),
    'mountinfo-readers': Flags.string({
      helpValue: 'N',
      description: 'Processes polling /proc/*/mountinfo (systemd, kubelet/cadvisor, agents).',
      default: '2',
      helpGroup: 'NODE',
    }),
    'mountinfo-interval': Flags.string({helpValue: 'D', description: "Interval between one reader's mountinfo reads.", default: '1s', helpGroup: 'NODE'}),
    jobs: Flags.integer({
      description:
        'Threads that run replications in parallel, this one included (results do not depend on it) [default 1]. Pays for long runs on free cores: on a 2-vCPU VM, 8 replications of a 1,000-pod burst took 8–24 % less wall time with 2, and 3 took 6–20 % more (docs/simulate.md).',
      min: 1,
      max: 64,
    }),
    replications: Flags.string({helpValue: 'R', description: 'Independent seeded runs per kernel path (confidence intervals come from these).', default: '5'}),
    seed: Flags.string({helpValue: 'N', description: 'PRNG seed, 0 to 4294967295; replication i uses a seed derived from it (docs/model.md).', default: '1'}),
    'sections-keep-core': Flags.boolean({
      description:
        'Opt-in approximation, changes results: a task keeps its core between the back-to-back namespace_sem sections of one step (mountinfo chunks, runtime mounts) instead of queueing for a core after each; fewer events under CPU contention (docs/model.md).',
      default: false,
    }),
  }

  async run(): Promise<SimulateResult> {
    const {flags} = await this.parse(Simulate)
    const request = parseSimulateFlags(flags)
    const startedMs = performance.now()
    const progress = this.jsonEnabled() || !process.stderr.isTTY ? undefined : new DelayedProgress(startedMs)
    const result = await simulate(request, {onRun: (done, total) => progress?.update(done, total), jobs: flags.jobs ?? 1})
    progress?.stop()
    if (!this.jsonEnabled()) {
      this.log(renderTable(result))
      process.stderr.write(`simulated in ${((performance.now() - startedMs) / 1000).toFixed(2)} s real time (wallMs in --json is simulated time)\n`)
    }
    return result
  }
}

/** A progress bar on stderr that appears only once a run has taken longer than a second. */
class DelayedProgress {
  private bar: SingleBar | undefined
  constructor(private readonly startedMs: number) {}

  update(done: number, total: number): void {
    if (this.bar === undefined) {
      if (performance.now() - this.startedMs < 1000 || done >= total) return
      this.bar = new SingleBar({stream: process.stderr, format: 'simulating {bar} {value}/{total} runs', hideCursor: true, clearOnComplete: true})
      this.bar.start(total, done)
    } else this.bar.update(done)
  }

  stop(): void {
    this.bar?.stop()
  }
}

function renderTable(result: SimulateResult): string {
  const rows: KernelSimulationResult[] = isBothKernels(result) ? [result.legacy, result.otn] : [result]
  const table = new Table({
    head: ['kernel path', 'model', 'container p50 ms', 'p90', 'p99', 'pod p50 ms', 'p90', 'p99', 'lock util.'],
    style: {head: [], border: []},
  })
  for (const r of rows) {
    const pod = r.podStartMs
    table.push([
      r.kernel,
      r.model.id,
      r.containerStartMs.p50,
      r.containerStartMs.p90,
      r.containerStartMs.p99,
      pod?.p50 ?? '-',
      pod?.p90 ?? '-',
      pod?.p99 ?? '-',
      `${(r.namespaceSem.utilization * 100).toFixed(1)}%`,
    ])
  }
  const lines = [table.toString()]
  const first = rows[0]!
  lines.push(
    `container p99 95% CI: ${rows.map((r) => `${r.kernel} [${r.containerStartMs.ci95.p99.join(', ')}] ms`).join('; ')} (${first.scenario.replications} replications, seed ${first.seed})`,
  )
  if (isBothKernels(result)) {
    const x = (v: number | null) => (v === null ? 'n/a' : `${v}x`)
    lines.push(`speedup legacy -> otn (container start): p50 ${x(result.speedup.p50)}, p99 ${x(result.speedup.p99)}`)
  }
  return lines.join('\n')
}
