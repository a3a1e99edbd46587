import {ExitCode, type ExitCodeName} from './exit-codes.js'

/**
 * An error a user can act on: a one-line message naming the problem and a one-line fix.
 * The command error boundary prints both and exits with the kind's code; no stack trace
 * unless --debug.
 */
export class DensityplanError extends Error {
  readonly kind: ExitCodeName
  readonly fix: string | undefined

  constructor(kind: ExitCodeName, message: string, fix?: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'DensityplanError'
    this.kind = kind
    this.fix = fix
  }

  get exitCode(): number {
    return ExitCode[this.kind]
  }
}

/** Bad flags, files, snapshots, model files: exit 2. */
export class InputError extends DensityplanError {
  constructor(message: string, fix?: string, options?: {cause?: unknown}) {
    super('input', message, fix, options)
    this.name = 'InputError'
  }
}

/** The cluster could not be read: exit 3. */
export class ClusterError extends DensityplanError {
  constructor(message: string, fix?: string, options?: {cause?: unknown}) {
    super('cluster', message, fix, options)
    this.name = 'ClusterError'
  }
}

/** A --fail-on threshold was violated; outputs were still written: exit 4. */
export class ThresholdError extends DensityplanError {
  readonly violations: string[]
  constructor(violations: string[]) {
    super('threshold', `plan violates ${violations.length} threshold(s): ${violations.join('; ')}`)
    this.name = 'ThresholdError'
    this.violations = violations
  }
}
