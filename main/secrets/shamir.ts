// Shamir's secret sharing over GF(2^8) with the AES polynomial, as sops (hashicorp's shamir) does (SPEC §5).
// Written here rather than taken from npm, to write shares as sops does ([y…, x], x = i + 1): the packages over this
// field pick x at random, add headers or padding, or are asynchronous, and these sixty lines are checked against
// the files real sops releases wrote (sops/vectors).

import { randomBytes } from 'node:crypto';

function mul(a: number, b: number): number {
  let product = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) product ^= a;
    const carry = a & 0x80;
    a = (a << 1) & 0xff;
    if (carry) a ^= 0x1b;
    b >>= 1;
  }
  return product;
}

function inverse(a: number): number {
  // a^254 = a^-1 in GF(2^8).
  let result = 1;
  for (let i = 0; i < 254; i++) result = mul(result, a);
  return result;
}

/** Shares `[y_0 … y_n-1, x]` with x = i + 1, as sops ≥3.10 writes them. */
export function splitSecret(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (parts < 2 || parts > 255 || threshold < 2 || threshold > parts) {
    throw new RangeError(`cannot split a key into ${parts} parts with threshold ${threshold}`);
  }
  const shares = Array.from({ length: parts }, (_, i) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    return share;
  });
  for (let b = 0; b < secret.length; b++) {
    const coefficients = [secret[b]!, ...randomBytes(threshold - 1)];
    for (const share of shares) {
      const x = share[secret.length]!;
      let y = 0;
      for (let c = coefficients.length - 1; c >= 0; c--) y = mul(y, x) ^ coefficients[c]!;
      share[b] = y;
    }
  }
  return shares;
}

/** Lagrange interpolation at 0; each share's last byte is its x coordinate. */
export function combineShares(shares: readonly Uint8Array[]): Uint8Array {
  const length = shares[0]!.length - 1;
  if (shares.some((s) => s.length !== length + 1)) throw new RangeError('the key shares have different lengths');
  const xs = shares.map((s) => s[length]!);
  if (new Set(xs).size !== xs.length) throw new RangeError('two key shares have the same x coordinate');
  const secret = new Uint8Array(length);
  for (let b = 0; b < length; b++) {
    let value = 0;
    for (let i = 0; i < shares.length; i++) {
      let basis = 1;
      for (let j = 0; j < shares.length; j++) {
        if (i !== j) basis = mul(basis, mul(xs[j]!, inverse(xs[i]! ^ xs[j]!)));
      }
      value ^= mul(shares[i]![b]!, basis);
    }
    secret[b] = value;
  }
  return secret;
}
