import type {BindingLimit, ClassCapacity, DensityLimit, SloSolution} from '../domain/analysis.js'

/**
 * Capacity-aware max pods/node: the smallest of the kernel-latency bound (the SLO solver's
 * answer) and the class's capacity bounds (maxPods, CPU, memory, pod IPs). A capacity bound at
 * or below the kernel bound binds (ties go to the hard limit). The result is a lower bound only
 * when the kernel bound binds and the SLO held over the whole sweep; a sweep that ran past a
 * capacity limit gives an exact answer, not a "≥".
 */
export function densityLimit(slo: SloSolution, capacity: ClassCapacity): DensityLimit {
  const kernelLowerBound = slo.status === 'beyond-sweep'
  let best: {pods: number; binding: BindingLimit} = {pods: slo.maxPodsPerNode, binding: 'kernel-latency'}
  for (const b of capacity.bounds) {
    if (b.status !== 'limit' || b.pods === null) continue
    const tighter = b.pods < best.pods || (b.pods === best.pods && best.binding === 'kernel-latency')
    if (tighter) best = {pods: b.pods, binding: b.limit}
  }
  return {
    maxPodsPerNode: best.pods,
    binding: best.binding,
    lowerBound: best.binding === 'kernel-latency' && kernelLowerBound,
    kernelBound: slo.maxPodsPerNode,
    kernelLowerBound,
  }
}
