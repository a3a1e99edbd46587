import type {AnalysisResult} from '../domain/analysis.js'
import {MAX_DISPLAY_NAME_CHARS} from '../domain/limits.js'
import {fnv1a} from '../lib/fnv1a.js'

/** Other text (notes, headlines that embed names) is cut at this length. */
const MAX_DISPLAY_TEXT_CHARS = 2000

/** Fields that hold a cluster-given name (or a list of them) anywhere in the result. */
const NAME_KEYS = new Set(['name', 'pool', 'id', 'classIds', 'nodeNames', 'memberNodes', 'image', 'osImage', 'containerRuntime', 'release', 'kernel', 'scope'])

/**
 * The result as the HTML and Markdown reports show it: names longer than
 * MAX_DISPLAY_NAME_CHARS are cut (a 100,000-character node name made a 48 MB page), other text
 * at MAX_DISPLAY_TEXT_CHARS. A cut name ends in `…` and a hash of the whole name (lib/fnv1a.ts), so two long
 * names that share a prefix stay distinct and a pool still finds its classes by name.
 * JSON and CSV keep the exact values.
 */
export function forDisplay(result: AnalysisResult): AnalysisResult {
  return walk(result, false) as AnalysisResult
}

function walk(value: unknown, isName: boolean): unknown {
  if (typeof value === 'string') return cut(value, isName ? MAX_DISPLAY_NAME_CHARS : MAX_DISPLAY_TEXT_CHARS)
  if (Array.isArray(value)) return value.map((v) => walk(v, isName))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, NAME_KEYS.has(k))]))
  }
  return value
}

/** `text` itself when short enough, else its start + `…` + a short FNV-1a hash of all of it. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max - 8)}…${fnv1a(text)}`
}
