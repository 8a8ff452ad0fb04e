/** Kahan-Neumaier compensated summation step, as Prometheus's kahanSumInc. Returns [sum, c]. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/**
 * Running mean that sums with compensation and switches to incremental averaging once the
 * sum would overflow (Prometheus's avg and avg_over_time).
 */
export class MeanAccumulator {
  private count = 0;
  private sum = 0;
  private c = 0;
  private mean = 0;
  private incremental = false;

  add(f: number): void {
    this.count++;
    if (this.count === 1) {
      this.sum = f;
      this.mean = f;
      return;
    }
    if (!this.incremental) {
      const [s, c] = kahanSumInc(f, this.sum, this.c);
      if (s !== Infinity && s !== -Infinity) {
        this.sum = s;
        this.c = c;
        return;
      }
      this.incremental = true;
      this.mean = this.sum / (this.count - 1);
      this.c = this.c / (this.count - 1);
    }
    if (this.mean === Infinity || this.mean === -Infinity) {
      if ((f === Infinity || f === -Infinity) && this.mean > 0 === f > 0) return;
      if (f !== Infinity && f !== -Infinity && !Number.isNaN(f)) return;
    }
    const current = this.mean + this.c;
    [this.mean, this.c] = kahanSumInc(f / this.count - current / this.count, this.mean, this.c);
  }

  value(): number {
    if (this.incremental) return this.mean + this.c;
    return this.sum / this.count + this.c / this.count;
  }
}

/** avg_over_time's running mean (Prometheus funcAvgOverTime), over vs[lo..hi). */
export function avgOverTime(vs: Float64Array, lo: number, hi: number): number {
  let sum = vs[lo];
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let k = lo + 1; k < hi; k++) {
    const f = vs[k];
    count = k - lo + 1;
    if (!incremental) {
      const [s, nc] = kahanSumInc(f, sum, c);
      if (s !== Infinity && s !== -Infinity) {
        sum = s;
        c = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanSumInc(f / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}
