import { describe, expect, it } from 'vitest';
import { clipCase } from '../../src/engine/cases';
import { approxKlOfToken, ratioBinEdges, UpdateStats } from '../../src/engine/metrics';

describe('ratio histogram bins (issue 8.9)', () => {
  it.each([
    [0.2, 0.2],
    [0.15, 0.15],
    [0.2, 0.28],
    [0.01, 0.01],
  ])('ε = %s, ε_high = %s: the clip bounds are bin edges', (lo, hi) => {
    const edges = ratioBinEdges(lo, hi);
    expect(edges).toContain(+(1 - lo).toFixed(6));
    expect(edges).toContain(+(1 + hi).toFixed(6));
    expect(edges[0]).toBe(0.5);
    expect(edges.at(-1)).toBe(1.5);
    for (let i = 1; i < edges.length; i++) expect(edges[i]!).toBeGreaterThan(edges[i - 1]!);
  });

  it('a ratio lands in a band bin exactly when its case is inside the band (1 or 2), bounds included', () => {
    const [eLo, eHi] = [0.15, 0.28];
    const stats = new UpdateStats(eLo, eHi, true);
    const edges = stats.histogram.edges;
    const bandBins = edges.slice(0, -1).map((a) => a >= +(1 - eLo).toFixed(6) && a < +(1 + eHi).toFixed(6));
    const ratios = [Math.fround(1 - eLo), Math.fround(1 + eHi), 0.849, 0.851, 1.279, 1.281, 1, 0.6, 1.4];
    for (const r of ratios) {
      const s = new UpdateStats(eLo, eHi, true);
      s.addMinibatch(0, new Float32Array([r]), new Float32Array([Math.log(r)]), new Float32Array([1]), [1], 1);
      const bin = s.histogram.counts.findIndex((c) => c === 1);
      const inside = clipCase(r, 1, eLo, eHi) === 1;
      expect(bandBins[bin]).toBe(inside);
    }
  });
});

describe('the source points only inside the repository (issue 8.15)', () => {
  it('no comment cites design.md or the shared reference folder', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f)) files.push(p);
      }
    };
    walk('src');
    const outside = files.filter((f) => /design\.md|shared\/reference|\.\.\/shared/.test(readFileSync(f, 'utf8')));
    expect(outside).toEqual([]);
  });
});

describe('the explanations match the engine (issue 8.7)', () => {
  it('ratio 1 up to float error, the CleanRL clip fraction split by side, the target KL per completion', async () => {
    const { EXPLAIN } = await import('../../src/ui/explain/texts');
    const { PARAMS } = await import('../../src/engine/params');
    const all = Object.values(EXPLAIN)
      .flatMap((e) => e.body)
      .join('\n');
    expect(all).not.toMatch(/exactly 1\b/);
    expect(EXPLAIN.ratio.body.join(' ')).toMatch(/1 up to float rounding/);
    expect(EXPLAIN.clipfrac.body.join(' ')).toMatch(/CleanRL[^]*splits it into low[^]*and high/);
    expect(PARAMS.targetKl.doc).toMatch(/summed over a completion/);
    expect(all).not.toMatch(/target KL per token|KL\/token/);
  });
});

describe('approx KL of one token', () => {
  it('is e^d − 1 − d, to double precision near d = 0 where the float32 ratio carries only rounding', () => {
    for (const d of [1e-7, -3e-6, 2e-4, -5e-3, 9e-3]) {
      const exact = Math.expm1(d) - d;
      expect(Math.abs(approxKlOfToken(d, Math.fround(Math.exp(d))) - exact)).toBeLessThan(1e-15 + exact * 1e-9);
    }
  });

  it('uses the ratio itself away from 0, where float32 rounding is small beside the value', () => {
    for (const d of [-2, -0.3, 0.05, 1.5]) {
      const r = Math.fround(Math.exp(d));
      expect(approxKlOfToken(d, r)).toBe(r - 1 - d);
      expect(approxKlOfToken(d, r)).toBeCloseTo(Math.expm1(d) - d, 6);
    }
  });
});
