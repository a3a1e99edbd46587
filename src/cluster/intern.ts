/**
 * Shares equal values between pod summaries. Pods of one Deployment, DaemonSet or Job have the
 * same volume counts, mount profile and hints, and thousands of pods repeat the same node and
 * namespace strings; storing each once keeps 150,000 summaries small (bench/collect.bench.ts).
 * Shared objects are frozen: a summary must never be edited in place.
 */
export class Interner {
  private readonly objects = new Map<string, object>()
  private readonly strings = new Map<string, string>()

  /** The one shared (frozen) instance equal to `value`; keys are its JSON text. */
  object<T extends object>(value: T): T {
    const key = JSON.stringify(value)
    const hit = this.objects.get(key)
    if (hit) return hit as T
    this.objects.set(key, Object.freeze(value))
    return value
  }

  string(value: string): string {
    const hit = this.strings.get(value)
    if (hit !== undefined) return hit
    this.strings.set(value, value)
    return value
  }

  get size(): number {
    return this.objects.size + this.strings.size
  }
}
