import { describe, expect, it } from 'vitest';
import { decodeLink } from '../../src/engine/link';
import { defaultConfig, type Config } from '../../src/engine/params';
import type { Metrics } from '../../src/engine/metrics';
import { parseRoute } from '../../src/ui/route';
import { addressQuery, ScheduledEdits } from '../../src/ui/share/address-bar';
import { parsePageKeys } from '../../src/ui/share/page-keys';

describe('the address bar', () => {
  it('reads back as the same route, config, timeline and classroom mode', () => {
    const config: Config = { ...defaultConfig(), seed: 7, eps: 0.1 };
    const timeline = [{ iteration: 4, params: { beta: 0.2 } }];
    const mode = parsePageKeys('hide=panel-kl&lock=eps').mode;
    const q = addressQuery({ view: 'learn', chapter: 3 }, config, timeline, mode);
    const page = parsePageKeys(q);
    expect(page.mode).toEqual(mode);
    const route = parseRoute(page.rest);
    expect(route.route).toEqual({ view: 'learn', chapter: 3 });
    const link = decodeLink(route.linkQuery);
    expect(link.errors).toEqual([]);
    expect(link.config).toEqual(config);
    expect(link.timeline).toEqual(timeline);
  });

  it('keeps edits scheduled for later iterations until they are applied', () => {
    const s = new ScheduledEdits();
    s.take({ type: 'params-queued', params: { eps: 0.1 }, atIteration: 12 });
    s.take({ type: 'params-queued', params: { eps: 0.3 }, atIteration: 30 });
    const applied = [{ iteration: 2, params: { beta: 0.1 } }];
    expect(s.merged(applied)).toEqual([
      ...applied,
      { iteration: 12, params: { eps: 0.1 } },
      { iteration: 30, params: { eps: 0.3 } },
    ]);
    s.take({
      type: 'iteration',
      metrics: { iter: 12 } as Metrics,
      applied: { eps: 0.1 },
      numTensors: 0,
      kernels: 0,
      programs: 0,
      copies: 0,
    });
    const now = [...applied, { iteration: 12, params: { eps: 0.1 } }];
    expect(s.merged(now)).toEqual([...now, { iteration: 30, params: { eps: 0.3 } }]);
    s.take({ type: 'ready' } as never);
    expect(s.merged([])).toEqual([]);
  });
});
