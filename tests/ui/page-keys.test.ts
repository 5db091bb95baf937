import { describe, expect, it } from 'vitest';
import { embedTitle, pageQuery, parsePageKeys } from '../../src/ui/share/page-keys';

describe('classroom and embed keys', () => {
  it('splits hide, lock and embed off the query and keeps the rest for the route and the lab link', () => {
    const p = parsePageKeys('?view=learn&chapter=2&hide=eps,group-kl,panel-tokens&lock=beta&embed=six-cases&v=1&seed=3');
    expect([...p.mode.hide]).toEqual(['eps', 'group-kl', 'panel-tokens']);
    expect([...p.mode.lock]).toEqual(['beta']);
    expect(p.mode.embed).toBe('six-cases');
    expect(p.rest).toBe('view=learn&chapter=2&v=1&seed=3');
    expect(p.messages).toEqual([]);
  });

  it('reports each malformed name and keeps only the known ones', () => {
    const p = parsePageKeys('hide=eps,<script>,panel-nope&lock=epsilon,beta&embed=everything');
    expect([...p.mode.hide]).toEqual(['eps']);
    expect([...p.mode.lock]).toEqual(['beta']);
    expect(p.mode.embed).toBeNull();
    expect(p.messages).toHaveLength(4);
    expect(p.messages[0]).toMatch(/^hide: "<script>" ignored/);
    expect(p.messages[1]).toMatch(/^hide: "panel-nope" ignored/);
    expect(p.messages[2]).toMatch(/^lock: "epsilon" ignored/);
    expect(p.messages[3]).toMatch(/^embed: "everything" ignored/);
  });

  it('accepts a Learn chapter as learn-N and reports any other learn- name or a name the object prototype has', () => {
    const ok = parsePageKeys('embed=learn-5');
    expect(ok.mode.embed).toBe('learn-5');
    expect(embedTitle(ok.mode.embed!)).toBe('Learn, chapter 5: Clipped surrogate, six cases');
    expect(ok.messages).toEqual([]);
    for (const bad of ['learn-0', 'learn-9', 'learn-05', 'learn-x', 'learn-']) {
      const p = parsePageKeys(`embed=${bad}`);
      expect(p.mode.embed).toBeNull();
      expect(p.messages).toEqual([`embed: "${bad}" ignored: a Learn chapter is learn-1 to learn-8; the whole lab is shown`]);
    }
    const proto = parsePageKeys('embed=toString&hide=constructor');
    expect(proto.mode.embed).toBeNull();
    expect([...proto.mode.hide]).toEqual([]);
    expect(proto.messages).toHaveLength(2);
  });

  it('says when a locked value is out of range and the default is locked instead', () => {
    const p = parsePageKeys('lock=eps&eps=3');
    expect([...p.mode.lock]).toEqual(['eps']);
    expect(p.messages).toEqual([expect.stringMatching(/^lock: eps is locked at its default 0\.2, since .*\[0\.01, 1\]/)]);
  });

  it('writes a mode back as the same keys', () => {
    const q = 'hide=eps,group-kl&lock=beta,kl-mode&embed=kl';
    const p = parsePageKeys(q);
    expect(pageQuery(p.mode)).toBe(q);
    expect(parsePageKeys(pageQuery(p.mode)).mode).toEqual(p.mode);
    expect(pageQuery(parsePageKeys('embed=learn-3').mode)).toBe('embed=learn-3');
  });
});
