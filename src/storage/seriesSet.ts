/** SeriesSet implementations shared by the stores. Errors travel as values (errSeriesSet). */
import type { Series, SeriesSet } from './interface.ts';

class ListSeriesSet implements SeriesSet {
  private i = -1;
  constructor(
    private readonly list: readonly Series[],
    private readonly warns: string[],
  ) {}
  next(): boolean {
    if (this.i < this.list.length) this.i++;
    return this.i < this.list.length;
  }
  at(): Series {
    return this.list[this.i];
  }
  err(): Error | null {
    return null;
  }
  warnings(): string[] {
    return this.warns;
  }
}

class ErrSeriesSet implements SeriesSet {
  constructor(private readonly e: Error) {}
  next(): boolean {
    return false;
  }
  at(): Series {
    throw new Error('ErrSeriesSet has no series');
  }
  err(): Error | null {
    return this.e;
  }
  warnings(): string[] {
    return [];
  }
}

export function listSeriesSet(list: readonly Series[], warnings: string[] = []): SeriesSet {
  return new ListSeriesSet(list, warnings);
}

export function emptySeriesSet(): SeriesSet {
  return new ListSeriesSet([], []);
}

export function errSeriesSet(e: Error): SeriesSet {
  return new ErrSeriesSet(e);
}
