import {Flags} from '@oclif/core'
import {calibrate, type CalibrateResult} from '../app/calibrate.js'
import {calibrateNodes, DEFAULT_IMAGE, type CalibrateNodeResult} from '../app/calibrate-node.js'
import type {PlanName} from '../app/calibrate-plan.js'
import {BaseCommand} from './base-command.js'

const REMOTE = ['node', 'pool']

export default class Calibrate extends BaseCommand {
  static override summary = "Measure a Linux kernel's mount-namespace costs (this machine, or a cluster node) and write a model file."
  static override description =
    "Runs the densityplan probe (built on first use with the machine's C compiler) in a private scratch mount namespace, fits fixed + per-unit costs, and writes a KernelModel with full provenance. Locally: Linux, root (CAP_SYS_ADMIN) only. With --node or --pool it calibrates cluster nodes instead, through the Kubernetes API: one short-lived privileged pod per node, the statically built probe streamed in through exec, the pod deleted at the end, on errors and on Ctrl-C. That is the only write densityplan ever makes to a cluster; docs/rbac-calibrate.yaml grants it. Details: docs/calibrate.md."
  static override examples = [
    'sudo densityplan calibrate --quick --out /tmp/model.json',
    'sudo densityplan calibrate --out models/linux-6.18-legacy.json --otn-out models/linux-7.0-otn.json --otn-reference single-op-7.1.5.csv --force',
    'densityplan calibrate --node ip-10-0-1-17.ec2.internal --namespace densityplan --quick --out models/m7i-large.json',
    'densityplan calibrate --pool karpenter.sh/nodepool=general --namespace densityplan --out-dir models/',
  ]

  static override flags = {
    out: Flags.string({
      description: 'Model file to write (default: models/linux-<major.minor>-legacy.json; with --node: models/node-<name>-linux-<major.minor>-legacy.json).',
      exclusive: ['pool'],
    }),
    'otn-out': Flags.string({description: 'Also write the OPEN_TREE_NAMESPACE (Linux >= 7.0) model derived from this run.', exclusive: REMOTE}),
    'otn-reference': Flags.string({
      description: 'Single-op CSV from a real Linux >= 7.0 kernel; its otn/otc ratio scales the OPEN_TREE_CLONE stand-in.',
      exclusive: REMOTE,
    }),
    quick: Flags.boolean({description: 'Fewer points and repetitions: finishes in under a minute.'}),
    plan: Flags.string({
      description: 'Measurement plan: full (default), quick (= --quick) or smoke (seconds; a sanity run, too noisy to plan with).',
      options: ['full', 'quick', 'smoke'],
      exclusive: ['quick'],
    }),
    rounds: Flags.integer({
      description:
        "Measure the plan this many times back to back; each coefficient is the median of the rounds and their range its spread (what a repeat calibration gives, which analyze's spread panel shows). A minority of outlying rounds cannot move the median; a drift of the machine's speed over minutes still can: on a shared VM, --quick --rounds 9 (about 5 minutes) is what kept every coefficient within ±10 % between back-to-back runs (docs/calibrate.md).",
      default: 1,
      min: 1,
      max: 20,
    }),
    force: Flags.boolean({description: 'Overwrite existing model files.'}),
    hz: Flags.integer({description: 'CONFIG_HZ, when the kernel config cannot be read.', min: 1}),
    clock: Flags.string({
      description: "Clock for syscall costs: cpu (the call's own work; default) or wall (includes preemption by the machine's other load).",
      options: ['cpu', 'wall'],
      default: 'cpu',
    }),
    'no-crun': Flags.boolean({description: 'Do not start crun; take the non-mount overhead from fork/exec of /bin/true.', exclusive: REMOTE}),
    node: Flags.string({
      description: 'Calibrate this cluster node through the Kubernetes API (a short-lived privileged pod; needs docs/rbac-calibrate.yaml).',
      exclusive: ['pool'],
      helpGroup: 'CLUSTER',
    }),
    pool: Flags.string({
      description:
        'Calibrate one node per distinct kernel / instance type / core count among the nodes matching this label selector (e.g. karpenter.sh/nodepool=general).',
      exclusive: ['node'],
      helpGroup: 'CLUSTER',
    }),
    'out-dir': Flags.string({description: 'Directory for --pool models (default: models/), one file per node.', dependsOn: ['pool'], helpGroup: 'CLUSTER'}),
    namespace: Flags.string({
      char: 'n',
      description: "Namespace of the calibration pod (default: the context's namespace, else default).",
      helpGroup: 'CLUSTER',
    }),
    image: Flags.string({
      description: 'Image of the calibration pod: needs sh, head, chmod, sleep, grep, sed, cut, wc and /bin/true (the probe itself is static).',
      default: DEFAULT_IMAGE,
      helpGroup: 'CLUSTER',
    }),
    kubeconfig: Flags.string({
      description: 'Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).',
      helpGroup: 'CLUSTER',
    }),
    context: Flags.string({description: 'Kubeconfig context to use (default: current-context).', helpGroup: 'CLUSTER'}),
    timeout: Flags.integer({description: 'Seconds the pod may take to start running (image pull included).', default: 300, min: 1, helpGroup: 'CLUSTER'}),
    'request-timeout': Flags.integer({description: 'Seconds per API request.', default: 30, min: 1, helpGroup: 'CLUSTER'}),
    'experiment-timeout': Flags.integer({description: 'Seconds each probe experiment may run on the node.', default: 900, min: 1, helpGroup: 'CLUSTER'}),
  }

  async run(): Promise<CalibrateResult | CalibrateNodeResult> {
    const {flags} = await this.parse(Calibrate)
    const log = (line: string) => process.stderr.write(`${line}\n`)
    const plan = (flags.plan as PlanName | undefined) ?? (flags.quick ? 'quick' : 'full')
    if (flags.node || flags.pool) {
      const result = await calibrateNodes({
        node: flags.node,
        pool: flags.pool,
        namespace: flags.namespace,
        image: flags.image,
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        out: flags.out,
        outDir: flags['out-dir'],
        plan,
        rounds: flags.rounds,
        force: flags.force,
        hz: flags.hz,
        clock: flags.clock === 'wall' ? 'wall' : 'cpu',
        startTimeoutMs: flags.timeout * 1000,
        requestTimeoutMs: flags['request-timeout'] * 1000,
        experimentTimeoutMs: flags['experiment-timeout'] * 1000,
        log,
      })
      if (!this.jsonEnabled())
        for (const w of result.written)
          this.log(
            `wrote ${w.path} (${w.id}): node ${w.node}, kernel ${w.kernel}, ${w.cpu}, ${w.cores} cores, runtime overhead from ${w.runtimeOverhead}; pod ${w.pod} deleted`,
          )
      return result
    }
    const result = await calibrate({
      out: flags.out,
      otnOut: flags['otn-out'],
      otnReference: flags['otn-reference'],
      quick: flags.quick,
      plan,
      force: flags.force,
      hz: flags.hz,
      noCrun: flags['no-crun'],
      clock: flags.clock === 'wall' ? 'wall' : 'cpu',
      rounds: flags.rounds,
      log,
    })
    if (!this.jsonEnabled()) {
      for (const w of result.written) this.log(`wrote ${w.path} (${w.id}, path ${w.kind})`)
      for (const [name, c] of Object.entries(result.coefficients))
        this.log(
          `  ${name.padEnd(15)} fixed ${(c.fixedNs / 1000).toFixed(1).padStart(8)} µs  per-unit ${c.perUnitNs.toFixed(3).padStart(9)} ns  R² ${c.r2?.toFixed(3) ?? '-'}${c.shaped ? '  + measured shape' : ''}`,
        )
      this.log(
        `kernel ${result.kernel}, OPEN_TREE_NAMESPACE ${result.otnSupported ? 'yes' : 'no'}${result.otnRatio ? `, otn/otc ratio ${result.otnRatio.toFixed(3)}` : ''}, ${result.seconds} s`,
      )
    }
    return result
  }
}
