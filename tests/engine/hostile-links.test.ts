/**
 * The lab-link decoder against hostile links (issue 14, items 6 to 9): each is read without
 * throwing, every field it ignores is reported with the value used instead, a number is read
 * only from plain decimals, repeats and malformed edits are reported, and no message quotes
 * more than a short stretch of the input.
 */
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../../src/engine/link';
import { checkConfig, defaultConfig, parseParam } from '../../src/engine/params';
import { TASKS } from '../../src/engine/tasks';
import { HOSTILE_LINKS } from './hostile-links';

describe('hostile lab links', () => {
  it('the table holds at least 30 links', () => {
    expect(HOSTILE_LINKS.length).toBeGreaterThanOrEqual(30);
  });

  for (const link of HOSTILE_LINKS) {
    it(`${link.name}: reported, with the value used`, () => {
      const { config, timeline, errors } = decodeLink(link.query);
      for (const pattern of link.notices)
        expect(
          errors.some((e) => pattern.test(e)),
          `${pattern} in ${JSON.stringify(errors)}`,
        ).toBe(true);
      if (link.config) expect(config).toMatchObject(link.config);
      if (link.timeline) expect(timeline).toEqual(link.timeline);
      // Every value in the config is one the controls accept.
      for (const [k, v] of Object.entries(config)) expect(parseParam(k as keyof typeof config, v).ok, k).toBe(true);
      for (const e of errors) expect(e.length, e).toBeLessThan(400);
    });
  }

  it('no prototype is polluted', () => {
    decodeLink('__proto__%5Bpolluted%5D=1&__proto__=1&constructor%5Bprototype%5D%5Bpolluted%5D=1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a config whose values print in exponent form still round-trips as plain decimals', () => {
    const config = { ...defaultConfig(), entCoef: 0.0000005, earlyStopKl: 0.0000015 };
    const query = encodeLink(config, [{ iteration: 4, params: { entCoef: 0.0000002 } }]);
    expect(query).not.toMatch(/e-/);
    const back = decodeLink(query);
    expect(back.errors).toEqual([]);
    expect(back.config).toEqual(config);
    expect(back.timeline).toEqual([{ iteration: 4, params: { entCoef: 0.0000002 } }]);
    expect(checkConfig(back.config, TASKS.sort.maxCompletion)).toEqual([]);
  });
});
