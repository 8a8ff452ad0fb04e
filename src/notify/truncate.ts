/** Alertmanager's notify.Truncate: at most n runes, the last one an ellipsis when cut. */
export function truncateRunes(s: string, n: number): string {
  const runes = [...s];
  if (runes.length <= n) return s;
  if (n <= 3) return runes.slice(0, n).join('');
  return runes.slice(0, n - 1).join('') + '…';
}
