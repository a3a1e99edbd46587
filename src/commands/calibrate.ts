import {Flags} from '@oclif/core'
import {calibrate, type CalibrateResult} from '../app/calibrate.js'
import {BaseCommand} from './base-command.js'

export default class Calibrate extends BaseCommand {
  static override summary = 'Measure the running Linux kernel\'s mount-namespace costs and write a model file.'
  static override description = 'Runs the densityplan probe (built on first use with the machine\'s C compiler) in a private scratch mount namespace, fits fixed + per-unit costs, and writes a KernelModel with full provenance. Linux, root (CAP_SYS_ADMIN) only.'
  static override examples = [
    'sudo densityplan calibrate --quick --out /tmp/model.json',
    'sudo densityplan calibrate --out models/linux-6.18-legacy.json --otn-out models/linux-7.0-otn.json --otn-reference single-op-7.1.5.csv --force',
  ]

  static override flags = {
    out: Flags.string({description: 'Model file to write (default: models/linux-<major.minor>-legacy.json).'}),
    'otn-out': Flags.string({description: 'Also write the OPEN_TREE_NAMESPACE (Linux >= 7.0) model derived from this run.'}),
    'otn-reference': Flags.string({description: 'Single-op CSV from a real Linux >= 7.0 kernel; its otn/otc ratio scales the OPEN_TREE_CLONE stand-in.'}),
    quick: Flags.boolean({description: 'Fewer points and repetitions: finishes in under a minute.'}),
    force: Flags.boolean({description: 'Overwrite existing model files.'}),
    hz: Flags.integer({description: 'CONFIG_HZ, when the kernel config cannot be read.', min: 1}),
    clock: Flags.string({description: "Clock for syscall costs: cpu (the call's own work; default) or wall (includes preemption by the machine's other load).", options: ['cpu', 'wall'], default: 'cpu'}),
    'no-crun': Flags.boolean({description: 'Do not start crun; take the non-mount overhead from fork/exec of /bin/true.'}),
  }

  async run(): Promise<CalibrateResult> {
    const {flags} = await this.parse(Calibrate)
    const result = await calibrate({
      out: flags.out,
      otnOut: flags['otn-out'],
      otnReference: flags['otn-reference'],
      quick: flags.quick,
      force: flags.force,
      hz: flags.hz,
      noCrun: flags['no-crun'],
      clock: flags.clock === 'wall' ? 'wall' : 'cpu',
      log: (line) => process.stderr.write(`${line}\n`),
    })
    if (!this.jsonEnabled()) {
      for (const w of result.written) this.log(`wrote ${w.path} (${w.id}, path ${w.kind})`)
      for (const [name, c] of Object.entries(result.coefficients)) this.log(`  ${name.padEnd(15)} fixed ${(c.fixedNs / 1000).toFixed(1).padStart(8)} µs  per-unit ${c.perUnitNs.toFixed(3).padStart(9)} ns  R² ${c.r2?.toFixed(3) ?? '-'}`)
      this.log(`kernel ${result.kernel}, OPEN_TREE_NAMESPACE ${result.otnSupported ? 'yes' : 'no'}${result.otnRatio ? `, otn/otc ratio ${result.otnRatio.toFixed(3)}` : ''}, ${result.seconds} s`)
    }
    return result
  }
}
