// Go's strconv number parsing as template literals use it: ParseInt/ParseUint with base 0
// (0x, 0o, 0b, legacy 0 octal, underscores between digits) and ParseFloat (decimal and hex,
// Inf/NaN, out-of-range = error).

/** strconv.underscoreOK: underscores only between digits or after a base prefix. */
export function underscoreOK(s: string): boolean {
  // saw: '^' start, '0' digit or base prefix, '_' underscore, '!' other
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, 64) (no sign allowed); null on any error. */
export function parseUintBase0(s: string): bigint | null {
  if (s === '' || s[0] === '+' || s[0] === '-') return null;
  if (s.includes('_') && !underscoreOK(s)) return null;
  const t = s.replace(/_/g, '');
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t)) v = BigInt(t);
  else if (/^0[oO][0-7]+$/.test(t)) v = BigInt('0o' + t.slice(2));
  else if (/^0[0-7]*$/.test(t)) v = t === '0' ? 0n : BigInt('0o' + t.slice(1));
  else if (/^[1-9][0-9]*$/.test(t)) v = BigInt(t);
  else return null;
  return v <= 0xffffffffffffffffn ? v : null;
}

/** strconv.ParseInt(s, 0, 64); null on any error (syntax or range). */
export function parseIntBase0(s: string): bigint | null {
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  const u = parseUintBase0(body);
  if (u === null) return null;
  const v = neg ? -u : u;
  return v >= -9223372036854775808n && v <= 9223372036854775807n ? v : null;
}

/** strconv.ParseFloat(s, 64): the value, or which error Go reports. */
export function parseFloatGo(s: string): { value: number } | { error: 'invalid syntax' | 'value out of range' } {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return { value: s[0] === '-' ? -Infinity : Infinity };
  if (/^[+-]?nan$/i.test(s)) return { value: NaN };
  if (s.includes('_') && !underscoreOK(s)) return { error: 'invalid syntax' };
  const t = s.replace(/_/g, '');
  let v: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    v = Number(t);
  } else {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(t);
    if (!m || !(m[2] || m[3])) return { error: 'invalid syntax' };
    const frac = m[3] ?? '';
    v = parseInt((m[2] || '0') + frac, 16) * 2 ** (Number(m[4]) - 4 * frac.length);
    if (m[1] === '-') v = -v;
  }
  return Number.isFinite(v) ? { value: v } : { error: 'value out of range' };
}

/** strconv.ParseFloat(s, 64); null on syntax or range error. */
export function parseFloatStrict(s: string): number | null {
  const r = parseFloatGo(s);
  return 'value' in r ? r.value : null;
}
