import { describe, expect, it } from 'vitest';
import { parseRoute, routeQuery } from '../../src/ui/route';
import { readUrl } from '../../src/ui/url';

describe('route', () => {
  it('splits the route keys off the lab link', () => {
    const parsed = parseRoute('?view=learn&chapter=4&seed=3');
    expect(parsed.route).toEqual({ view: 'learn', chapter: 4 });
    expect(parsed.linkQuery).toBe('seed=3');
    expect(parsed.messages).toEqual([]);
  });

  it('reports a bad view or chapter and falls back to a safe one', () => {
    expect(parseRoute('view=<script>').route).toEqual({ view: 'lab' });
    expect(parseRoute('view=<script>').messages[0]).toMatch(/view .* ignored/);
    const bad = parseRoute('view=learn&chapter=0x4');
    expect(bad.route).toEqual({ view: 'learn', chapter: 1 });
    expect(bad.messages).toHaveLength(1);
  });

  it('round-trips through routeQuery', () => {
    for (const q of ['view=learn&chapter=7', 'view=experiments&experiment=clip-zero', 'view=experiments']) {
      expect(routeQuery(parseRoute(q).route)).toBe(q);
    }
    expect(routeQuery({ view: 'lab' })).toBe('');
  });

  it('a page link does not report its route keys as unknown lab-link fields', () => {
    const start = readUrl('?view=learn&chapter=2&seed=5');
    expect(start.route).toEqual({ view: 'learn', chapter: 2 });
    expect(start.config.seed).toBe(5);
    expect(start.messages).toEqual([]);
  });
});
