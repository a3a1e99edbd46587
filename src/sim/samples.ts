/**
 * A growable list of doubles on a Float64Array: one per container start can be millions in a
 * closed-loop run, so no boxed array and no copy per push, only doubling now and then.
 */
export class Samples {
  private values: Float64Array
  private count = 0

  constructor(initialCapacity = 1024) {
    this.values = new Float64Array(initialCapacity)
  }

  get length(): number {
    return this.count
  }

  push(x: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.count++] = x
  }

  /** A copy of the values pushed so far, exactly sized. */
  toFloat64Array(): Float64Array {
    return this.values.slice(0, this.count)
  }
}
