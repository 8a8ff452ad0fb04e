/**
 * The head series of a store by id. Ids are handed out in order and rarely freed, so a dense
 * array indexes them: the per-sample lookup of an append is an array load, and 10k series cost
 * 80 KB of slots instead of a Map's ~0.5 MB of table. The API is the part of Map the store uses.
 */
export class SeriesById<T extends { readonly id: number }> {
  private readonly slots: Array<T | undefined> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): T | undefined {
    return this.slots[id];
  }

  set(s: T): void {
    if (this.slots[s.id] === undefined) this.count++;
    this.slots[s.id] = s;
  }

  delete(id: number): void {
    if (this.slots[id] === undefined) return;
    this.slots[id] = undefined;
    this.count--;
  }

  /**
   * Calls fn with each series in id order, as values() yields them but without an iterator
   * result per series (the head's time bounds, read at every /metrics scrape, visit all of them).
   */
  forEach(fn: (s: T) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s !== undefined) fn(s);
    }
  }

  /** The series in id order; deleting the current one while iterating is safe. */
  *values(): IterableIterator<T> {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s !== undefined) yield s;
    }
  }

  *keys(): IterableIterator<number> {
    for (const s of this.values()) yield s.id;
  }
}
