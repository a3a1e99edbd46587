// Kernel facts the simulator needs at run time, in a file without zod: src/sim imports these
// and not src/model/schema.ts, so an analyze worker thread (which never validates a model)
// starts without loading zod and building the model schemas. schema.ts re-exports both.

/**
 * mountinfo lines per read() chunk: seq_file fills ~4 KiB per m_start/m_stop, and
 * costs.mountinfoChunk is charged per such chunk (docs/model.md).
 */
export const MOUNTINFO_LINES_PER_CHUNK = 75

/** Handoff timeout of the rwsem in ns: RWSEM_WAIT_TIMEOUT = DIV_ROUND_UP(HZ, 250) jiffies (kernel/locking/rwsem.c). */
export function rwsemHandoffNs(hz: number): number {
  const jiffies = Math.ceil(hz / 250)
  return Math.round((jiffies * 1e9) / hz)
}
