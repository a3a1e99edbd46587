import {Flags} from '@oclif/core'
import Table from 'cli-table3'
import {checkErrorLimit, pct, validate, type ValidateResult} from '../app/validate.js'
import {intervalText} from '../app/validate-noise.js'
import {InputError} from '../errors/errors.js'
import {BaseCommand} from './base-command.js'

export default class Validate extends BaseCommand {
  static override summary = "Start real containers with crun and compare their start times with the model's prediction."
  static override description =
    'For each cell of the grid (host mounts M × concurrency C × extra threads T), C workers run `crun run /bin/true` (busybox rootfs built at run time) back to back inside a private mount namespace with M extra mounts, and `simulate --workload closed --no-pod` predicts the same scenario. Prints measured vs predicted p50/p99 and their relative errors. Linux, root, crun.'
  static override examples = ['sudo densityplan validate', 'sudo densityplan validate --mounts 0,2000 --concurrency 1,4 --starts 30 --fail-above 0.5 --json']

  static override flags = {
    mounts: Flags.string({description: 'Extra host mounts per cell, comma-separated.', default: '0,1000,4000,10000'}),
    concurrency: Flags.string({description: 'Concurrent workers per cell, comma-separated.', default: '1,4,16'}),
    threads: Flags.string({description: 'Extra sleeping system threads per cell, comma-separated.', default: '0'}),
    starts: Flags.integer({description: 'Measured container starts per cell.', default: 60, min: 5, max: 4096}),
    model: Flags.string({description: 'Legacy-path model file (default: newest shipped legacy model).', helpValue: 'FILE'}),
    overhead: Flags.string({
      description:
        "Runtime non-mount overhead: 'run' measures it in this run at M≈0, C=1 (one parameter for the grid); 'model' uses the model's forkExecOverhead.",
      options: ['run', 'model'],
      default: 'run',
    }),
    cores: Flags.integer({
      description: "CPUs of the simulated node [default: this machine's]. On a shared machine, the CPU the starts really get is in the CPU used column.",
      min: 1,
      max: 1024,
    }),
    seed: Flags.integer({description: 'Simulation seed.', default: 1, min: 0}),
    replications: Flags.integer({description: 'Simulation replications per cell.', default: 5, min: 1, max: 100}),
    'fail-above': Flags.string({
      description:
        "Exit 4 if any cell's |relative error| (p50 or p99) exceeds this fraction, e.g. 0.5, or the model's copy cost is further than that from this machine's (the kernel speed check).",
    }),
  }

  async run(): Promise<ValidateResult> {
    const {flags} = await this.parse(Validate)
    const failAbove = flags['fail-above'] === undefined ? undefined : Number(flags['fail-above'])
    if (failAbove !== undefined && !(failAbove > 0))
      throw new InputError(`--fail-above must be a positive fraction, got '${flags['fail-above']}'`, 'pass e.g. --fail-above 0.5 for ±50%')
    const result = await validate({
      mounts: list('--mounts', flags.mounts, 0, 100_000),
      concurrency: list('--concurrency', flags.concurrency, 1, 256),
      threads: list('--threads', flags.threads, 0, 100_000),
      starts: flags.starts,
      cores: flags.cores,
      modelPath: flags.model,
      overhead: flags.overhead === 'model' ? 'model' : 'run',
      seed: flags.seed,
      replications: flags.replications,
      log: (line) => process.stderr.write(`${line}\n`),
    })
    if (!this.jsonEnabled()) this.log(render(result))
    if (failAbove !== undefined) checkErrorLimit(result, failAbove)
    return result
  }
}

function list(flag: string, text: string, min: number, max: number): number[] {
  const values = text.split(',').map((t) => Number(t.trim()))
  const bad = values.find((v) => !Number.isInteger(v) || v < min || v > max)
  if (values.length === 0 || bad !== undefined)
    throw new InputError(`${flag} expects comma-separated integers from ${min} to ${max}, got '${text}'`, `e.g. ${flag} ${min},${Math.min(max, min + 4)}`)
  return values
}

export function render(r: ValidateResult): string {
  const t = new Table({
    head: [
      'M',
      'C',
      'T',
      'starts',
      'CPU used',
      'copy speed',
      'measured p50 (95% CI)',
      'predicted p50',
      'err p50',
      'err M-part',
      'measured p99 (95% CI)',
      'predicted p99',
      'err p99',
      '',
      'err at cell speed p50 / p99',
    ],
    style: {head: [], border: []},
  })
  for (const c of r.cells) {
    t.push([
      c.mounts,
      c.concurrency,
      c.threads,
      c.starts,
      `${c.cpuCoresUsed.toFixed(2)} of ${r.cores}`,
      `×${c.speedRatio.toFixed(2)}`,
      `${ms(c.measuredMs.p50)} (${intervalText(c.measuredCi95Ms.p50)})`,
      ms(c.predictedMs.p50),
      pct(c.relativeError.p50),
      c.mountPartError === null ? '—' : pct(c.mountPartError),
      `${ms(c.measuredMs.p99)} (${intervalText(c.measuredCi95Ms.p99)})`,
      ms(c.predictedMs.p99),
      pct(c.relativeError.p99),
      (c.withinTarget ? 'ok' : c.predictedInsideCi.p50 && c.predictedInsideCi.p99 ? 'MISS ~' : 'MISS') + (c.overheadCell ? ' *' : ''),
      `${pct(c.atCellSpeed.relativeError.p50)} / ${pct(c.atCellSpeed.relativeError.p99)}${c.atCellSpeed.withinTarget ? '' : ' MISS'}`,
    ])
  }
  const head = `${r.runtime}, model ${r.model.id}, ${r.containerMounts} mounts per container, ${r.cores} cores, load ${r.loadAverage.before.join('/')} → ${r.loadAverage.after.join('/')}`
  const overhead = `runtime overhead (${r.overhead.source}): median ${r.overhead.medianMs} ms${r.cells.some((c) => c.overheadCell) ? '; * = the cell that measured it' : ''}; copy speed = this machine's copy cost just before the cell ÷ the model's (below 1: faster than when the model was measured); err at cell speed = the error with the model's kernel syscall costs × that copy speed`
  return [head, overhead, r.mountCalls.note, t.toString(), r.verdict, r.mountPartVerdict, r.atCellSpeedVerdict, r.speedCheck.line].join('\n')
}

const ms = (v: number) => `${v.toFixed(1)} ms`
