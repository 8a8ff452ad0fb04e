// Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G'; prec -1 = shortest), with
// exact decimal expansion and round-half-even on exact ties, as Go does.

interface Decimal {
  d: string; // digits without leading/trailing zeros ("" for zero)
  dp: number; // position of the decimal point: value = 0.d * 10^dp
}

/** Shortest digits that round-trip (JS and Go agree on these). */
function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const s = abs.toExponential(); // "1.2345e+6"
  const [mant, exp] = s.split('e') as [string, string];
  const d = mant.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(exp) + 1 };
}

/** Exact decimal expansion of a finite positive double. */
function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, abs);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biasedExp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biasedExp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length - -e;
  }
  const trimmedLead = digits.replace(/^0+/, '');
  dp -= digits.length - trimmedLead.length;
  return { d: trimmedLead.replace(/0+$/, ''), dp };
}

/** Round to nd significant digits, half-even on exact ties (strconv decimal.Round). */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= x.d.length) return nd < 0 ? { d: '', dp: 0 } : x;
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === x.d.length) {
    up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else up = next >= 5;
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ''), dp: nd === 0 ? 0 : x.dp };
  // round up
  let i = nd - 1;
  const arr = x.d.slice(0, nd).split('');
  while (i >= 0 && arr[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  arr[i] = String.fromCharCode(arr[i]!.charCodeAt(0) + 1);
  return { d: arr.slice(0, i + 1).join(''), dp: x.dp };
}

function digitAt(x: Decimal, i: number): string {
  return i >= 0 && i < x.d.length ? x.d[i]! : '0';
}

function fmtE(neg: boolean, x: Decimal, prec: number, ch: 'e' | 'E'): string {
  let s = neg ? '-' : '';
  s += x.d.length === 0 ? '0' : x.d[0]!;
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, i);
  }
  let exp = x.dp - 1;
  if (x.d.length === 0) exp = 0;
  s += ch;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

function fmtF(neg: boolean, x: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (x.dp > 0) {
    let m = Math.min(x.d.length, x.dp);
    s += x.d.slice(0, m);
    for (; m < x.dp; m++) s += '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, x.dp + i - 1);
  }
  return s;
}

export type FloatFmt = 'e' | 'E' | 'f' | 'F' | 'g' | 'G';

export function formatFloat(f: number, fmt: FloatFmt, prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  const shortest = prec < 0;
  let x: Decimal;
  if (shortest) {
    x = shortestDecimal(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(x.d.length - 1, 0);
        break;
      case 'f':
      case 'F':
        prec = Math.max(x.d.length - x.dp, 0);
        break;
      default:
        prec = x.d.length;
    }
  } else {
    x = exactDecimal(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        x = roundDecimal(x, prec + 1);
        break;
      case 'f':
      case 'F':
        x = roundDecimal(x, x.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        x = roundDecimal(x, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, x, prec, fmt);
    case 'f':
    case 'F':
      return fmtF(neg, x, prec);
    default: {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      // %e is used if the exponent is less than -4 or >= precision; shortest uses 6.
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (x.d.length !== 0 && (exp < -4 || exp >= eprec)) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
}
