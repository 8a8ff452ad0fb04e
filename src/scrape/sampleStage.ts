/**
 * Samples of one scrape held back until the whole payload has parsed and passed the limits
 * (ScrapeLoop), so storage only ever sees complete scrapes. Parsing and appending a payload is
 * synchronous, so one stage serves every loop; its arrays grow to the largest scrape and stay.
 */
import type { SeriesState } from './scrapeCache.ts';

export class SampleStage {
  static readonly shared = new SampleStage();

  n = 0;
  states: SeriesState[] = [];
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);

  add(state: SeriesState, t: number, v: number): void {
    const n = this.n;
    if (n === this.ts.length) this.grow();
    this.states[n] = state;
    this.ts[n] = t;
    this.vs[n] = v;
    this.n = n + 1;
  }

  reset(): void {
    this.n = 0;
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    ts.set(this.ts);
    const vs = new Float64Array(this.vs.length * 2);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
  }
}
