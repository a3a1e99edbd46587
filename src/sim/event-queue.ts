/**
 * A binary min-heap of scheduled items ordered by (time, priority, sequence), the order SimPy's
 * heap uses: earlier time first; at equal times the lower priority value first; then insertion
 * order, so simultaneous events come out in a defined, reproducible order.
 *
 * Keys live in parallel typed arrays (no per-entry object, no comparator closure): priority and
 * sequence are packed into one double, `priority * 2^44 + sequence`, exact up to 2^53.
 */
const SEQ_SPAN = 2 ** 44

export class EventQueue<T> {
  private times: Float64Array
  private orders: Float64Array
  private items: (T | undefined)[]
  private count = 0
  private seq = 0

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity)
    this.orders = new Float64Array(initialCapacity)
    this.items = new Array<T | undefined>(initialCapacity)
  }

  get size(): number {
    return this.count
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!
  }

  push(time: number, priority: number, item: T): void {
    if (this.count === this.times.length) this.grow()
    const order = priority * SEQ_SPAN + this.seq++
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

  /** Removes and returns the earliest item; undefined when empty. */
  pop(): T | undefined {
    if (this.count === 0) return undefined
    const times = this.times
    const orders = this.orders
    const items = this.items
    const top = items[0]
    const n = --this.count
    const time = times[n]!
    const order = orders[n]!
    const item = items[n]
    items[n] = undefined
    if (n > 0) {
      // Sift the last entry down from the root.
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
    return top
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
