import { describe, expect, it } from 'vitest';
import { log } from '../../src/engine/portable-math';

/** The distance between x and the next double up. */
function ulp(x: number): number {
  const a = new Float64Array([Math.abs(x)]);
  const b = new BigInt64Array(a.buffer);
  b[0]! += 1n;
  return a[0]! - Math.abs(x);
}

describe('portable log', () => {
  it('is within one ulp of Math.log over ratios, log-probs and extreme magnitudes', () => {
    const xs: number[] = [];
    for (let i = 1; i < 50_000; i++) xs.push(Math.fround(i / 25_000)); // float32 ratios in (0, 2)
    for (let i = -300; i <= 300; i++) xs.push(10 ** i * 1.2345);
    xs.push(Number.MIN_VALUE, 2 ** -1030, Number.MAX_VALUE, 1 + 2 ** -52, 1 - 2 ** -53);
    for (const x of xs) expect(Math.abs(log(x) - Math.log(x))).toBeLessThanOrEqual(ulp(Math.log(x)) || Number.MIN_VALUE);
  });

  it('is exact where the answer is known, and follows Math.log at the edges', () => {
    expect(log(1)).toBe(0);
    expect(log(2)).toBe(Math.LN2);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
  });
});
