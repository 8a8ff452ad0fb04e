/**
 * The query page's state in the URL, with Prometheus's parameter names (g0.expr, g0.tab,
 * g0.range_input, g0.end_input, g0.step_input) so links from Prometheus keep working.
 */
export interface PanelState {
  expr: string;
  tab: 'table' | 'graph';
  rangeS: number;
  /** End time in ms, or null for "now". */
  endMs: number | null;
  /** Step in seconds, or null for automatic. */
  stepS: number | null;
}

export const DEFAULT_PANEL: PanelState = { expr: '', tab: 'table', rangeS: 3600, endMs: null, stepS: null };

const UNITS: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

export function parseRange(s: string): number | null {
  const m = /^(\d+)([ywdhms])$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2]];
}

export function formatRange(seconds: number): string {
  for (const [u, n] of Object.entries(UNITS)) if (seconds % n === 0) return `${seconds / n}${u}`;
  return `${seconds}s`;
}

export function encodePanel(p: PanelState): string {
  const q = new URLSearchParams();
  q.set('g0.expr', p.expr);
  q.set('g0.tab', p.tab === 'graph' ? '0' : '1');
  q.set('g0.range_input', formatRange(p.rangeS));
  if (p.endMs !== null) q.set('g0.end_input', new Date(p.endMs).toISOString());
  if (p.stepS !== null) q.set('g0.step_input', String(p.stepS));
  return q.toString();
}

export function decodePanel(search: string): PanelState {
  const q = new URLSearchParams(search);
  const range = parseRange(q.get('g0.range_input') ?? '');
  const end = q.get('g0.end_input');
  const endMs = end ? Date.parse(end) : NaN;
  const step = Number(q.get('g0.step_input'));
  return {
    expr: q.get('g0.expr') ?? '',
    tab: q.get('g0.tab') === '0' ? 'graph' : 'table',
    rangeS: range ?? DEFAULT_PANEL.rangeS,
    endMs: Number.isFinite(endMs) ? endMs : null,
    stepS: Number.isFinite(step) && step > 0 ? step : null,
  };
}
