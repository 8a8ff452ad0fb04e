/**
 * Float parsing with the grammar Prometheus accepts for sample values: Go's
 * strconv.ParseFloat minus hex floats and underscores ("pP_" are rejected by Prometheus).
 * So: [+-]digits[.digits][(e|E)[+-]digits], ".5", "1.", and case-insensitive "Inf",
 * "+Inf", "-Infinity", "NaN" (no sign). Out-of-range finite input is an error, as in Go.
 *
 * Hot path: up to 15 significant digits with a small exponent are computed exactly in
 * doubles (one correctly rounded multiply or divide); everything else goes through Number().
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Returns the value of b[s..e), or undefined when it is not a valid float. */
export function parseGoFloat(b: Uint8Array, s: number, e: number): number | undefined {
  if (s >= e) return undefined;
  let i = s;
  let c = b[i];
  let neg = false;
  if (c === 43 || c === 45) {
    neg = c === 45;
    if (++i >= e) return undefined;
    c = b[i];
  }
  if (c === 73 || c === 105 || c === 78 || c === 110) return special(b, s, i, e, neg);

  let mant = 0;
  let sig = 0; // significant digits accumulated in mant
  let dropped = false; // digits beyond what mant holds exactly
  let exp = 0;
  let digits = 0;
  for (; i < e; i++) {
    c = b[i];
    if (c < 48 || c > 57) break;
    digits++;
    if (sig < 15) {
      if (mant !== 0 || c !== 48) sig++;
      mant = mant * 10 + (c - 48);
    } else {
      exp++;
      dropped = true;
    }
  }
  if (i < e && b[i] === 46) {
    for (i++; i < e; i++) {
      c = b[i];
      if (c < 48 || c > 57) break;
      digits++;
      if (sig < 15) {
        if (mant !== 0 || c !== 48) sig++;
        mant = mant * 10 + (c - 48);
        exp--;
      } else dropped = true;
    }
  }
  if (digits === 0) return undefined;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 43 || b[i] === 45)) eneg = b[i++] === 45;
    const es = i;
    let ev = 0;
    for (; i < e; i++) {
      c = b[i];
      if (c < 48 || c > 57) break;
      if (ev < 100000) ev = ev * 10 + (c - 48);
    }
    if (i === es) return undefined;
    exp += eneg ? -ev : ev;
  }
  if (i !== e) return undefined;
  if (!dropped && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
    return neg ? -v : v;
  }
  // Slow path: let the JS runtime round correctly (the syntax is already validated).
  const v = Number(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1'));
  if (v === Infinity || v === -Infinity) return undefined; // Go: value out of range
  return v;
}

function special(b: Uint8Array, s: number, i: number, e: number, neg: boolean): number | undefined {
  const n = e - i;
  const lower = (k: number) => b[i + k] | 0x20;
  if (n === 3 && lower(0) === 110 && lower(1) === 97 && lower(2) === 110) return i === s ? NaN : undefined;
  const inf = 'infinity';
  if (n !== 3 && n !== 8) return undefined;
  for (let k = 0; k < n; k++) if (lower(k) !== inf.charCodeAt(k)) return undefined;
  return neg ? -Infinity : Infinity;
}

/** Parses unsigned decimal digits b[s..e) as an integer (text-format timestamps). */
export function parseDigits(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (b[i] - 48);
  return v;
}
