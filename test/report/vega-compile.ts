import {compile, type TopLevelSpec} from 'vega-lite'

interface CapturingLogger {
  level(value?: number): number | CapturingLogger
  error(...args: unknown[]): CapturingLogger
  warn(...args: unknown[]): CapturingLogger
  info(...args: unknown[]): CapturingLogger
  debug(...args: unknown[]): CapturingLogger
}

/** Compiles a Vega-Lite spec and returns the Vega spec plus every message vega-lite logged. */
export function compileCapturingLog(spec: TopLevelSpec): {vega: object; messages: string[]} {
  const messages: string[] = []
  let level = 0
  const logger: CapturingLogger = {
    level(value?: number) {
      if (value === undefined) return level
      level = value
      return logger
    },
    error: (...args) => (messages.push(`error: ${args.join(' ')}`), logger),
    warn: (...args) => (messages.push(`warn: ${args.join(' ')}`), logger),
    info: (...args) => (messages.push(`info: ${args.join(' ')}`), logger),
    debug: () => logger,
  }
  const out = compile(spec, {logger: logger as never})
  return {vega: out.spec, messages}
}
