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
    return (this.sum + this.c) / this.count;
  }
}
