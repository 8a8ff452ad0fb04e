/** Start timestamp the crash writer gives series i in batch b (undefined: none). */
export function stOf(i: number, b: number): number | undefined {
  switch (i % 4) {
    case 0:
      return undefined; // plain series: no ST ever
    case 1:
      return b * 1000 - 60_000; // delta: ST = T - 1m
    case 2:
      return 42; // cumulative: constant ST
    default:
      return b % 3 === 0 ? undefined : b * 1000 - b; // gaps, arbitrary
  }
}
