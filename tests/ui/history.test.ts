/** The bounded metrics history: at most `cap` rows however long the run, each the mean of the iterations it covers. */
import { describe, expect, it } from 'vitest';
import { BoundedHistory } from '../../src/ui/data/history';

describe('BoundedHistory', () => {
  it('keeps every iteration while under the cap', () => {
    const h = new BoundedHistory(8);
    for (let i = 1; i <= 7; i++) h.push(i, { x: i });
    expect(h.rows().map((r) => r.iter)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.rows().every((r) => r.n === 1)).toBe(true);
  });

  it('stays within the cap over 10,000 iterations, rows being exact means of their iterations', () => {
    const h = new BoundedHistory(2000);
    for (let i = 1; i <= 10_000; i++) {
      h.push(i, { x: i, y: i % 2 ? null : 2 });
      // One merge per push past the cap (never a halving of the whole history at once):
      // the length grows to the cap and then stays exactly there.
      expect(h.rows().length).toBe(Math.min(i, 2000));
    }
    const rows = h.rows();
    expect(rows[rows.length - 1]!.iter).toBe(10_000);
    // Buckets tile the run: each starts right after the previous one ends.
    for (let k = 1; k < rows.length; k++) expect(rows[k]!.from).toBe(rows[k - 1]!.iter + 1);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(10_000);
    for (const r of rows) {
      expect(r.x).toBeCloseTo((r.from + r.iter) / 2, 9); // mean of from..iter
      expect(r.y).toBe(r.n === 1 && r.iter % 2 ? null : 2); // nulls (not applicable) are skipped, not averaged as 0
    }
    // Even resolution: rows are within a factor of two in width, except the newest few (finer).
    const widest = Math.max(...rows.map((r) => r.n));
    expect(rows.filter((r) => r.n < widest / 2).length).toBeLessThanOrEqual(2 * Math.log2(10_000));
  });

  it('clears', () => {
    const h = new BoundedHistory(4);
    for (let i = 1; i <= 9; i++) h.push(i, { x: i });
    h.clear();
    expect(h.rows()).toEqual([]);
  });
});
