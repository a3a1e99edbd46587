import {z} from 'zod'
import {InputError} from '../errors/errors.js'
import {describeSchemaError} from '../lib/schema-errors.js'

/**
 * The JSON document native/build/dp-probe prints for one experiment: a list of raw points,
 * each tagged with the series (primitive) it measures. Timing is CLOCK_MONOTONIC ns.
 */
export const ProbePointSchema = z.strictObject({
  series: z.string().min(1),
  x: z.number().finite(),
  ns: z.number().int(),
})

export const ProbeOutputSchema = z.strictObject({
  probe: z.literal('densityplan-probe'),
  version: z.literal(1),
  experiment: z.string().min(1),
  unit: z.string().min(1),
  points: z.array(ProbePointSchema),
})

export type ProbePoint = z.infer<typeof ProbePointSchema>
export type ProbeOutput = z.infer<typeof ProbeOutputSchema>

const REBUILD = 'rebuild the probe with scripts/build-probe.sh (or delete native/build/) and run again; with --debug the raw output is shown'

/** Parses and checks the probe's stdout for `experiment`; any problem is one InputError line. */
export function parseProbeOutput(stdout: string, experiment: string): ProbeOutput {
  const text = stdout.trim()
  if (text === '') throw new InputError(`probe experiment '${experiment}' printed nothing`, REBUILD)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new InputError(`probe experiment '${experiment}' printed malformed JSON (${(err as Error).message})`, REBUILD)
  }
  const parsed = ProbeOutputSchema.safeParse(raw)
  if (!parsed.success) throw new InputError(describeSchemaError(`probe experiment '${experiment}' output`, parsed.error), REBUILD)
  if (parsed.data.experiment !== experiment) {
    throw new InputError(`probe answered experiment '${parsed.data.experiment}' when '${experiment}' was asked`, REBUILD)
  }
  return parsed.data
}

/** Points of one series as {x, ns}; refuses negative durations (a failed syscall leaked through). */
export function series(output: ProbeOutput, name: string): Array<{x: number; ns: number}> {
  const points = output.points.filter((p) => p.series === name).map((p) => ({x: p.x, ns: p.ns}))
  if (points.length === 0) throw new InputError(`probe experiment '${output.experiment}' has no '${name}' points`, REBUILD)
  const bad = points.find((p) => p.ns < 0)
  if (bad) throw new InputError(`probe experiment '${output.experiment}' reported a negative duration for '${name}' at x=${bad.x}`, REBUILD)
  return points
}
