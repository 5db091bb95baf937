import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, editsAt, MAX_LINK_LENGTH } from '../../src/engine/link';
import { defaultConfig } from '../../src/engine/params';

describe('lab link', () => {
  it('round-trips a config and a timeline of live edits', () => {
    const config = { ...defaultConfig(), task: 'sentiment' as const, seed: 42, eps: 0.1, adaptiveBeta: true };
    const timeline = [
      { iteration: 12, params: { eps: 0.15 } },
      { iteration: 30, params: { beta: 0.2, temperature: 0.7 } },
    ];
    const query = encodeLink(config, timeline);
    expect(query).toContain('task=sentiment');
    expect(query).not.toContain('algo='); // defaults are left out
    const back = decodeLink(query);
    expect(back.errors).toEqual([]);
    expect(back.config).toEqual(config);
    expect(back.timeline).toEqual(timeline);
    expect(editsAt(back.timeline, 30)).toEqual({ beta: 0.2, temperature: 0.7 });
    expect(editsAt(back.timeline, 31)).toBeNull();
  });

  it('reports and replaces out-of-range, malformed and unknown fields', () => {
    const { config, errors } = decodeLink('?eps=7&seed=abc&task=<script>&foo=1&lr=1e-3');
    expect(config.eps).toBe(defaultConfig().eps);
    expect(config.seed).toBe(defaultConfig().seed);
    expect(config.task).toBe('sort');
    expect(config.lr).toBe(defaultConfig().lr); // 1e-3 is not plain decimal digits
    expect(errors.join('\n')).toMatch(/eps must be a number in \[0\.01, 1\]/);
    expect(errors.join('\n')).toMatch(/seed must be an integer/);
    expect(errors.join('\n')).toMatch(/task must be one of/);
    expect(errors.join('\n')).toMatch(/unknown field "foo"/);
  });

  it('offers every model size, large included, and refuses a size that has no checkpoint', () => {
    const large = decodeLink('model=large');
    expect(large.errors).toEqual([]);
    expect(large.config.model).toBe('large');
    const huge = decodeLink('model=huge');
    expect(huge.config.model).toBe('base');
    expect(huge.errors).toEqual(['model must be one of small|base|large; got "huge": default base used']);
  });

  it('refuses structural edits, bad iterations and oversized links', () => {
    const { timeline, errors } = decodeLink('edit=5:task=bandit&edit=0:eps=0.1&edit=x&edit=3:eps=0.3');
    expect(timeline).toEqual([{ iteration: 3, params: { eps: 0.3 } }]);
    expect(errors).toHaveLength(3);
    const huge = decodeLink('a='.padEnd(MAX_LINK_LENGTH + 10, 'x'));
    expect(huge.config).toEqual(defaultConfig());
    expect(huge.errors[0]).toMatch(/characters long/);
  });

  it('reports parameter combinations the trainer would refuse', () => {
    expect(decodeLink('algo=grpo&group=1').errors.join()).toMatch(/grpo needs group/);
  });
});
