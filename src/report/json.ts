import {AnalysisResultSchema, type AnalysisResult} from '../domain/analysis.js'

/**
 * The JSON output: keys in the schema's declaration order (zod's parse rebuilds each object in
 * shape order, whatever order the input had), 2-space indent, trailing newline. The same result
 * therefore always gives the same bytes, and a re-rendered saved file round-trips exactly.
 */
export function renderJson(result: AnalysisResult): string {
  return `${JSON.stringify(AnalysisResultSchema.parse(result), null, 2)}\n`
}
