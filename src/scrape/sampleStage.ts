/**
 * Samples of one scrape held back until the whole payload has parsed and passed the limits
 * (ScrapeLoop), so storage only ever sees complete scrapes. Parsing and appending a payload is
 * synchronous, so one stage serves every loop; its arrays grow to the largest scrape and stay.
 * Series are the scrape cache's series ids, valid until the cache's next begin().
 */
export class SampleStage {
  static readonly shared = new SampleStage();

  n = 0;
  series = new Int32Array(1024);
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);

  add(series: number, t: number, v: number): void {
    const n = this.n;
    if (n === this.ts.length) this.grow();
    this.series[n] = series;
    this.ts[n] = t;
    this.vs[n] = v;
    this.n = n + 1;
  }

  reset(): void {
    this.n = 0;
  }

  private grow(): void {
    const size = this.ts.length * 2;
    const series = new Int32Array(size);
    series.set(this.series);
    const ts = new Float64Array(size);
    ts.set(this.ts);
    const vs = new Float64Array(size);
    vs.set(this.vs);
    this.series = series;
    this.ts = ts;
    this.vs = vs;
  }
}
