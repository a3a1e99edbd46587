/**
 * CPU work inflation when several cores are busy at once. Measured on a 2-vCPU VM: a shell
 * loop of fork+exec(/bin/true) costs twice the CPU time per spawn when two such loops run at
 * once. The cause is not the mount code (shared host caches, memory bandwidth, kernel-wide
 * fork/exec/exit work: copy_process, exec_mmap, exit_mmap), so it is one property of the
 * machine, applied to every piece of CPU work alike.
 *
 * The curve is measured at busyCores = 1..N on an N-core machine. A node with another core
 * count uses it by busy *fraction*: b busy of C cores reads the curve at b/C, linearly
 * interpolated between the measured fractions k/N, 1 below 1/N (one busy core of many is the
 * uncontended case) and the last point above 1.
 */
export interface ContentionPoint {
  busyCores: number
  slowdown: number
}

/** The slowdown at busy fraction `fraction` (0..1) of a curve measured on `points`. */
export function slowdownAtFraction(points: readonly ContentionPoint[], fraction: number): number {
  if (points.length === 0) return 1
  const measuredCores = points[points.length - 1]!.busyCores
  const first = points[0]!
  if (fraction <= first.busyCores / measuredCores) return first.busyCores === 1 ? first.slowdown : 1
  for (let i = 1; i < points.length; i++) {
    const lo = points[i - 1]!
    const hi = points[i]!
    const fLo = lo.busyCores / measuredCores
    const fHi = hi.busyCores / measuredCores
    if (fraction <= fHi) return lo.slowdown + ((hi.slowdown - lo.slowdown) * (fraction - fLo)) / (fHi - fLo)
  }
  return points[points.length - 1]!.slowdown
}

/**
 * The slowdown for each busy-core count 0..cores of a node with `cores` cores (index = busy
 * cores, the task starting the work included). A table, so the hot path is one array read.
 */
export function slowdownTable(points: readonly ContentionPoint[], cores: number): Float64Array {
  const table = new Float64Array(cores + 1)
  table[0] = 1
  for (let b = 1; b <= cores; b++) table[b] = slowdownAtFraction(points, b / cores)
  return table
}
