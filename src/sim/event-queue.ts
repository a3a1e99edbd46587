import {Fifo} from './fifo.js'

/**
 * The engine's schedule: items ordered by (time, priority, sequence), the order SimPy's heap
 * uses: earlier time first; at equal times the lower priority value first; then insertion order,
 * so simultaneous events come out in a defined, reproducible order.
 *
 * Two parts that together give exactly that order:
 * - a binary min-heap whose keys live in parallel typed arrays (no per-entry object, no
 *   comparator closure): priority and sequence are packed into one double,
 *   `priority * 2^44 + sequence`, exact up to 2^53;
 * - a FIFO ring buffer (`fifo.ts`, the "now lane") for items pushed at the current time (`nowNs`, the time
 *   of the last pop or `advanceTo`) with priority 1 (NORMAL). Under load most pushes are such
 *   zero-delay hand-overs (a core or lock granted at this instant): ~50% of a closed loop's and
 *   ~80% of a 1,000-pod burst's. On the heap each cost a sift up to the root (it is the smallest
 *   key) and a sift down from it; in the lane both are O(1).
 *
 * A pop leaves the heap's root slot empty until the next heap push drops into it (one sift down
 * instead of a pop's sift down plus a push's sift up) or the next pop removes it. An event that
 * comes off the heap mostly schedules the next one near the front (a hold ending starts the next
 * hold), so on analyze's runs this halves the sift steps, and a 5,000-node analyze takes 7–10 %
 * less CPU time, with the same results (docs/simulate.md "Speed").
 *
 * Why the lane keeps the heap's order without comparing keys: a lane item has time = now and
 * priority 1, and its sequence number is larger than that of every heap item at (now, 1), since
 * those were pushed while the clock was earlier (any push at (now, 1) made since the clock
 * reached now went to the lane). So at time now, heap items with priority <= 1 come first, then
 * the lane in insertion order, then heap items with priority > 1 or a later time. Pushes must not
 * be earlier than now (the engine never schedules into the past).
 */
const SEQ_SPAN = 2 ** 44
/** The priority the now lane carries (engine.ts NORMAL). */
const LANE_PRIORITY = 1
/** Heap orders below this have priority <= LANE_PRIORITY. */
const LANE_ORDER = (LANE_PRIORITY + 1) * SEQ_SPAN

export class EventQueue<T> {
  private times: Float64Array
  private orders: Float64Array
  private items: (T | undefined)[]
  /** Heap slots in use, the empty root included while `hole` is set. */
  private count = 0
  /**
   * The root was popped and its slot left empty: the next heap push drops into it and sifts down
   * (one sift instead of the pop's sift-down plus the push's sift-up), else the next pop
   * removes it the ordinary way. An event that comes off the heap very often schedules the next
   * one (a hold ending starts the next hold, a release wakes a sleeper after a latency); that
   * entry is near the front, so it stops a level or two down, where the pop moved the heap's
   * last entry (a late one) all the way down. The order of pops is that of the keys either way.
   */
  private hole = false
  /** While `hole`: one of the root's children is at the current time (it may go before the now lane). */
  private holeAtNow = false
  private seq = 0
  /** The now lane, in insertion order. */
  private readonly lane = new Fifo<T>(256)
  private nowNs: number

  constructor(initialCapacity = 1024, nowNs = 0) {
    this.times = new Float64Array(initialCapacity)
    this.orders = new Float64Array(initialCapacity)
    this.items = new Array<T | undefined>(initialCapacity)
    this.nowNs = nowNs
  }

  get size(): number {
    return this.count - (this.hole ? 1 : 0) + this.lane.length
  }

  /** The current time: that of the last pop, or of `advanceTo`. */
  get now(): number {
    return this.nowNs
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    if (this.lane.length > 0) return this.nowNs
    if (!this.hole) return this.count === 0 ? Infinity : this.times[0]!
    // The earliest heap entry is one of the empty root's children.
    const n = this.count
    if (n <= 1) return Infinity
    const t1 = this.times[1]!
    if (n === 2) return t1
    const t2 = this.times[2]!
    return t2 < t1 ? t2 : t1
  }

  /** Moves the current time to `timeNs` (the engine's `run(until)`); nothing may be left before it. */
  advanceTo(timeNs: number): void {
    if (timeNs < this.nowNs) throw new RangeError(`EventQueue.advanceTo: ${timeNs} is before the current time ${this.nowNs}`)
    if (this.lane.length > 0 || this.peekTime() < timeNs) throw new Error('EventQueue.advanceTo: items are scheduled before the new time')
    this.nowNs = timeNs
    // The empty root's children may be at the new current time (holeAtNow is about the current time).
    if (this.hole) this.holeAtNow = this.peekTime() === timeNs
  }

  push(time: number, priority: number, item: T): void {
    if (time === this.nowNs && priority === LANE_PRIORITY) {
      this.lane.push(item)
      this.seq++
      return
    }
    const order = priority * SEQ_SPAN + this.seq++
    if (this.hole) {
      // Into the empty root, then down.
      this.hole = false
      this.siftDown(time, order, item, this.count)
      return
    }
    if (this.count === this.times.length) this.grow()
    // Sift the hole up from the end, then drop the new entry into it.
    const times = this.times
    const orders = this.orders
    const items = this.items
    let i = this.count++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pt = times[parent]!
      if (pt < time || (pt === time && orders[parent]! < order)) break
      times[i] = pt
      orders[i] = orders[parent]!
      items[i] = items[parent]
      i = parent
    }
    times[i] = time
    orders[i] = order
    items[i] = item
  }

  /** Removes and returns the earliest item (the current time becomes its time); undefined when empty. */
  pop(): T | undefined {
    if (this.lane.length > 0) {
      // The lane goes first unless the heap's earliest entry is at (now, priority <= 1); with the
      // root empty, that entry is one of its children, and the root stays empty for a push.
      if (this.hole) {
        if (!this.holeAtNow) return this.lane.shift()
        const first = this.count === 2 || this.before(1, 2) ? 1 : 2
        if (this.times[first]! > this.nowNs || this.orders[first]! >= LANE_ORDER) return this.lane.shift()
      } else if (this.count === 0 || this.times[0]! > this.nowNs || this.orders[0]! >= LANE_ORDER) {
        return this.lane.shift()
      }
    }
    if (this.hole) this.fillHole()
    if (this.count === 0) return undefined
    const top = this.items[0]
    this.items[0] = undefined
    const now = this.times[0]!
    this.nowNs = now
    this.hole = true
    // Whether an entry left on the heap is also at this instant (the heap does not change while the root is empty).
    const n = this.count
    this.holeAtNow = n > 1 && (this.times[1] === now || (n > 2 && this.times[2] === now))
    return top
  }

  /** Whether heap slot `a` comes before slot `b`. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a]!
    const tb = this.times[b]!
    return ta < tb || (ta === tb && this.orders[a]! < this.orders[b]!)
  }

  /** Removes the empty root: the last entry takes its place and sifts down. */
  private fillHole(): void {
    this.hole = false
    const n = --this.count
    if (n === 0) return
    const item = this.items[n]
    this.items[n] = undefined
    this.siftDown(this.times[n]!, this.orders[n]!, item, n)
  }

  /** Puts (time, order, item) at the root, whose slot is free, and sifts it down a heap of `n` slots. */
  private siftDown(time: number, order: number, item: T | undefined, n: number): void {
    const times = this.times
    const orders = this.orders
    const items = this.items
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      const right = child + 1
      if (right < n) {
        const ct = times[child]!
        const rt = times[right]!
        if (rt < ct || (rt === ct && orders[right]! < orders[child]!)) child = right
      }
      const ct = times[child]!
      if (time < ct || (time === ct && order < orders[child]!)) break
      times[i] = ct
      orders[i] = orders[child]!
      items[i] = items[child]
      i = child
    }
    times[i] = time
    orders[i] = order
    items[i] = item
  }

  private grow(): void {
    const capacity = this.times.length * 2
    const times = new Float64Array(capacity)
    times.set(this.times)
    const orders = new Float64Array(capacity)
    orders.set(this.orders)
    this.times = times
    this.orders = orders
    this.items.length = capacity
  }
}
