import type {NodeClassResult, PoolResult, ThresholdRule, Violation} from '../domain/analysis.js'
import {parseDurationMs} from '../lib/duration.js'

/**
 * `--fail-on` rules: `[legacy.|otn.]METRIC OP VALUE[UNIT]`, e.g. `p99>5s`, `otn.p99>=2500ms`,
 * `maxpods<60`, `gain<10`. A rule is violated when its condition HOLDS (fail on p99 > 5 s).
 * Metrics: p50, p90, p99 (pod start at today's density, ms; any duration unit of lib/duration.ts, e.g. 5s, 2500ms), maxpods (capacity-aware max
 * pods/node under the SLO), gain (OTN − legacy max pods/node). Without a path prefix latency
 * and maxpods rules read each class's path today (OTN where the node takes it, else legacy).
 * Pools are judged by their most constrained class.
 */
const RULE = /^(?:(legacy|otn|today)\.)?(p50|p90|p99|maxpods|gain)\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(ns|us|µs|ms|s|m|h|d)?$/i

export type ParsedRule = ThresholdRule

export function parseRule(expr: string): ParsedRule | string {
  const m = RULE.exec(expr.trim())
  if (!m)
    return `cannot read --fail-on "${expr}": expected [legacy.|otn.]METRIC OP VALUE with METRIC one of p50, p90, p99, maxpods, gain and OP one of > >= < <=, e.g. p99>5s or maxpods<60`
  const metric = m[2]!.toLowerCase() as ParsedRule['metric']
  const unit = m[5]?.toLowerCase()
  const latency = metric.startsWith('p')
  if (!latency && unit) return `--fail-on "${expr}": ${metric} is a pod count and takes no unit`
  if (latency && !unit) return `--fail-on "${expr}": give the latency a unit, e.g. ${metric}>5s or ${metric}>5000ms`
  const value = latency ? parseDurationMs(`${m[4]}${unit}`)! : Number(m[4])
  return {expr: expr.trim(), metric, op: m[3] as ParsedRule['op'], value, path: (m[1]?.toLowerCase() ?? 'today') as ParsedRule['path']}
}

export function evaluateRules(
  rules: readonly ParsedRule[],
  pools: readonly Pick<PoolResult, 'name' | 'classIds' | 'recommendation'>[],
  classes: readonly NodeClassResult[],
): Violation[] {
  const byId = new Map(classes.map((c) => [c.id, c]))
  const out: Violation[] = []
  for (const rule of rules) {
    for (const pool of pools) {
      const members = pool.classIds.map((id) => byId.get(id)).filter((c): c is NodeClassResult => c !== undefined)
      if (members.length === 0) continue
      const actual = poolValue(rule, members, pool.recommendation.numbers.podsPerNodeGain)
      if (holds(actual, rule.op, rule.value)) {
        const unit = rule.metric.startsWith('p') ? ' ms' : ' pods/node'
        out.push({
          rule: rule.expr,
          subject: `pool/${pool.name}`,
          actual,
          message: `pool ${pool.name}: ${rule.metric} (${rule.path}) is ${actual}${unit}, which is ${rule.op} ${rule.value}${unit}`,
        })
      }
    }
  }
  return out
}

function pathOf(rule: ParsedRule, c: NodeClassResult): 'legacy' | 'otn' {
  if (rule.path === 'today') return c.otnCapableToday ? 'otn' : 'legacy'
  return rule.path
}

function poolValue(rule: ParsedRule, members: NodeClassResult[], gain: number): number {
  switch (rule.metric) {
    case 'gain':
      return gain
    case 'maxpods':
      return Math.min(...members.map((c) => c.density[pathOf(rule, c)].maxPodsPerNode))
    default: {
      const key = `${rule.metric}Ms` as 'p50Ms' | 'p90Ms' | 'p99Ms'
      return Math.max(...members.map((c) => c.results[pathOf(rule, c)].today.podStart[key]))
    }
  }
}

function holds(actual: number, op: ParsedRule['op'], value: number): boolean {
  return op === '>' ? actual > value : op === '>=' ? actual >= value : op === '<' ? actual < value : actual <= value
}
