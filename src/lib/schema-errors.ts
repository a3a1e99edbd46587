import type {z} from 'zod'

/**
 * One line naming the file, the field path and what was expected, e.g.
 * `models/x.json: costs.copy.perUnitNs: expected number, received string`.
 */
export function describeSchemaError(source: string, error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return `${source}: invalid`
  const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)'
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : ''
  return `${source}: ${path}: ${issue.message}${more}`
}
