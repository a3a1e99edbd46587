/**
 * A first-in first-out queue with O(1) push and shift: a ring buffer whose capacity is a power of
 * two and doubles when full. The event queue's now lane and the wait lists (cores, namespace_sem,
 * spinners) push and shift
 * millions of times per analyze run while holding a handful of items; an array with a moving
 * head, as this was, re-grew from empty after every compaction and kept shifted items alive
 * until then.
 */
export class Fifo<T> {
  private items: (T | undefined)[]
  private mask: number
  private head = 0
  private count = 0

  /** `capacity`: the initial number of slots, a power of two. */
  constructor(capacity = 16) {
    if (!(capacity >= 1 && (capacity & (capacity - 1)) === 0)) throw new RangeError(`Fifo: capacity must be a power of two, got ${capacity}`)
    this.items = new Array<T | undefined>(capacity)
    this.mask = capacity - 1
  }

  get length(): number {
    return this.count
  }

  push(item: T): void {
    if (this.count > this.mask) this.grow()
    this.items[(this.head + this.count++) & this.mask] = item
  }

  peek(): T | undefined {
    return this.count > 0 ? this.items[this.head] : undefined
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.count--
    return item
  }

  /** Live items, head first (a copy). */
  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.head + i) & this.mask]!)
    return out
  }

  private grow(): void {
    const size = this.mask + 1
    const items = new Array<T | undefined>(size * 2)
    for (let i = 0; i < this.count; i++) items[i] = this.items[(this.head + i) & this.mask]
    this.items = items
    this.head = 0
    this.mask = size * 2 - 1
  }
}
