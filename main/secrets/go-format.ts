// Go's number and time formatting, which sops uses for MAC bytes, plaintext bytes and output (SPEC §2.2, §4, §8).

interface Decimal {
  negative: boolean;
  /** Shortest round-trip digits, no trailing zeros. */
  digits: string;
  /** Decimal exponent of the first digit. */
  exp: number;
}

function decimal(x: number): Decimal {
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { negative: x < 0 || Object.is(x, -0), digits, exp: Number(exponent) };
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

function fixed({ digits, exp }: Decimal): string {
  const point = exp + 1;
  if (digits === '0') return '0';
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `strconv.FormatFloat(x, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(x: number): string {
  const s = special(x);
  if (s) return s;
  const d = decimal(x);
  return (d.negative ? '-' : '') + fixed(d);
}

/** `strconv.FormatFloat(x, 'g', -1, 64)`, with YAML's spellings of infinities and NaN (yaml.v3 output). */
export function formatFloatYaml(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const d = decimal(x);
  const sign = d.negative ? '-' : '';
  if (d.digits !== '0' && (d.exp < -4 || d.exp >= 6)) {
    const mantissa = d.digits.length > 1 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
    const abs = Math.abs(d.exp);
    return `${sign}${mantissa}e${d.exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return sign + fixed(d);
}

/** Go `encoding/json` float64: as JSON.stringify for finite values, but keeps the sign of -0. */
export function formatFloatJson(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`JSON cannot hold the float ${x}`);
  if (Object.is(x, -0)) return '-0';
  return JSON.stringify(x);
}

const timestampPattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]| +)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(?: *(Z|z|[+-]\d{1,2}(?::\d{2})?))?)?$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads a YAML timestamp as yaml.v3 does (layouts `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`,
 * `2006-1-2`) and writes it as Go's `time.MarshalText`. Returns undefined when the text is not one.
 */
export function parseYamlTimestamp(text: string): string | undefined {
  const m = timestampPattern.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const date = `${y}-${pad(month)}-${pad(day)}`;
  if (h === undefined) return `${date}T00:00:00Z`;
  // A "T" form must carry a zone; the space form may not (Go's layouts say so).
  const tForm = /[Tt]/.test(text.slice(10, 11) ?? '');
  if (tForm && !zone) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const fraction = frac ? `.${frac}`.replace(/0+$/, '').replace(/\.$/, '') : '';
  let offset = 'Z';
  if (zone && zone !== 'Z' && zone !== 'z') {
    const [zh, zm = '00'] = zone.slice(1).split(':') as [string, string?];
    offset = Number(zh) === 0 && Number(zm) === 0 ? 'Z' : `${zone[0]}${pad(Number(zh))}:${zm}`;
  }
  return `${date}T${pad(Number(h))}:${pad(Number(mi))}:${pad(Number(s))}${fraction}${offset}`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `time.Parse(time.RFC3339, s).Format(time.RFC3339)`: the MAC's additional data is lastmodified as Go re-formats it
 * (fractions dropped, `+00:00` written `Z`). Undefined when Go would refuse to parse it.
 */
export function reformatRfc3339(text: string): string | undefined {
  const m = rfc3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone === '+00:00' ? 'Z' : zone}`;
}

/** Now, as sops writes lastmodified: UTC, whole seconds. */
export function nowRfc3339(now = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}
