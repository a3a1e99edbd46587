import type {AnalysisResult} from '../domain/analysis.js'

/**
 * The CSV output: one row per node class × kernel path × sweep point, RFC 4180 (CRLF line ends,
 * a header row, fields with a comma, quote, CR or LF quoted and inner quotes doubled). Columns
 * are documented in docs/report.md; add new ones at the end so scripts reading by position
 * keep working.
 */
export const CSV_COLUMNS = [
  'pool',
  'class_id',
  'class_nodes',
  'kernel',
  'oci_runtime',
  'path',
  'pods_on_path_fraction',
  'pods_per_node',
  'burst_pods',
  'host_mounts',
  'p50_ms',
  'p50_ci95_low_ms',
  'p50_ci95_high_ms',
  'p99_ms',
  'p99_ci95_low_ms',
  'p99_ci95_high_ms',
  'slo_ms',
  'meets_slo',
  'max_pods_per_node_under_slo',
  'slo_status',
  'is_today_density',
  'seed',
  'max_pods_per_node',
  'binding_limit',
] as const

export function renderCsv(result: AnalysisResult): string {
  const rows: Array<Array<string | number | boolean>> = [[...CSV_COLUMNS]]
  const sloMs = result.settings.sloMs
  for (const c of result.classes) {
    for (const path of ['legacy', 'otn'] as const) {
      const r = c.results[path]
      for (const s of r.sweep) {
        rows.push([
          c.pool,
          c.id,
          c.nodeCount,
          c.kernel,
          c.ociRuntime,
          path,
          r.podsOnPathFraction,
          s.podsPerNode,
          s.burstPods,
          s.hostMounts,
          s.p50Ms,
          s.p50Ci95[0],
          s.p50Ci95[1],
          s.p99Ms,
          s.p99Ci95[0],
          s.p99Ci95[1],
          sloMs,
          s.p99Ms <= sloMs,
          r.slo.maxPodsPerNode,
          r.slo.status,
          s.podsPerNode === c.podsPerNodeToday,
          result.seed,
          c.density[path].maxPodsPerNode,
          c.density[path].binding,
        ])
      }
    }
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/**
 * One RFC 4180 field. A string starting with =, +, -, @, TAB or CR is a formula to a spreadsheet
 * (`=HYPERLINK(...)` in a pool name would run when the CSV is opened): it gets a leading `'`, as
 * OWASP's CSV-injection advice and spreadsheet-safe CSV writers do. Numbers stay numbers.
 */
export function csvField(value: string | number | boolean): string {
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
