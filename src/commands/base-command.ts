import {Command, Flags, Errors} from '@oclif/core'
import {DensityplanError} from '../errors/errors.js'
import {ExitCode} from '../errors/exit-codes.js'
import {escapeControls, redactSecrets, safeErrorText} from '../errors/sanitize.js'

/**
 * The one error boundary. Every densityplan command extends this: errors become a one-line
 * `Error: ...` plus `Try this: ...` on stderr (or a JSON error object with --json) and the exit
 * code from src/errors/exit-codes.ts. Stack traces only with --debug.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    debug: Flags.boolean({description: 'Print stack traces and internal details on errors.', helpGroup: 'GLOBAL'}),
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    // oclif's own exit (this.exit) and help requests pass through untouched.
    if (err instanceof Errors.ExitError) throw err
    const debug = this.argv.includes('--debug')
    const described = describeError(err)
    const {code} = described
    const message = asBin(described.message, this.config.bin)
    const fix = described.fix === undefined ? undefined : asBin(described.fix, this.config.bin)
    if (this.jsonEnabled()) {
      this.logJson({error: {message, fix, exitCode: code, kind: err instanceof DensityplanError ? err.kind : 'usage'}})
    } else {
      process.stderr.write(`Error: ${message}\n`)
      if (fix) process.stderr.write(`Try this: ${fix}\n`)
    }
    if (debug && err.stack) process.stderr.write(`${escapeControls(redactSecrets(err.stack)).replace(/\\x0a/g, '\n')}\n`)
    process.exitCode = code
    return this.exit(code)
  }
}

/** Flattens any thrown value into one message line, one fix line and an exit code. */
export function describeError(err: unknown): {message: string; fix: string | undefined; code: number} {
  const d = describeRaw(err)
  return {message: safeErrorText(d.message), fix: d.fix === undefined ? undefined : safeErrorText(d.fix), code: d.code}
}

function describeRaw(err: unknown): {message: string; fix: string | undefined; code: number} {
  if (err instanceof DensityplanError) return {message: oneLine(err.message), fix: err.fix, code: err.exitCode}
  const e = err as {message?: string; oclif?: {exit?: number}; suggestions?: string[]}
  if (e?.oclif?.exit !== undefined) {
    // oclif parse errors (unknown flag, bad integer, exclusive flags) are usage errors.
    const fix = e.suggestions?.[0] ?? 'Run the command with --help to see the valid flags.'
    return {message: oneLine(e.message ?? String(err)), fix, code: e.oclif.exit === 0 ? 0 : ExitCode.input}
  }
  return {
    message: `internal error: ${oneLine(e?.message ?? String(err))}`,
    fix: 'Re-run with --debug and report the output at the densityplan issue tracker.',
    code: ExitCode.internal,
  }
}

/** Advice written as `densityplan analyze ...` names the CLI as it was started (`kubectl densityplan analyze ...`). */
export function asBin(text: string, bin: string): string {
  return bin === 'densityplan'
    ? text
    : text.replace(/(?<![\w./-])(?<!kubectl )densityplan (?=(?:analyze|calibrate|collect|report|simulate|validate)\b)/g, `${bin} `)
}

function oneLine(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\s+See more help with --help$/, '')
    .trim()
}
