import { describe, expect, it } from 'vitest';
import { decodeLink } from '../../src/engine/link';
import { CHAPTER_LABS, labLink } from '../../src/learn/tryit';

describe('each chapter’s lab setup', () => {
  it.each(Object.entries(CHAPTER_LABS))('chapter %s opens a link that decodes to its config, without errors', (_, make) => {
    const s = make();
    const decoded = decodeLink(labLink(s));
    expect(decoded.errors).toEqual([]);
    expect(decoded.config).toEqual(s.config);
  });

  it('slider values reach the link at the parameter’s step', () => {
    const s = CHAPTER_LABS[3](0.1 + 0.2, 0.7000000001, 0.05);
    const decoded = decodeLink(labLink(s));
    expect(decoded.errors).toEqual([]);
    expect(decoded.config.gamma).toBe(0.3);
    expect(decoded.config.lambda).toBe(0.7);
  });
});
