import { describe, expect, it } from 'vitest';
import { CASE_NAMES } from '../../src/engine/cases';
import { metricsCsv, metricsLine, tokenLines, type TokenPass } from '../../src/engine/export';
import type { Metrics } from '../../src/engine/metrics';

const metrics = (iter: number, extra: Record<string, unknown> = {}) =>
  ({
    iter,
    'reward/mean': iter / 4,
    'loss/kl': null,
    'kl/ref_by_position': [0.5, -1],
    'policy/cases': { case1: 2 },
    ...extra,
  }) as unknown as Metrics;

describe('export formats', () => {
  it('metrics lines are the metrics as JSON; CSV has one column per key, JSON cells quoted, null empty', () => {
    expect(metricsLine(metrics(1))).toBe(JSON.stringify(metrics(1)));
    const csv = metricsCsv([metrics(1), metrics(2)]);
    expect(csv).toBe(
      'iter,reward/mean,loss/kl,kl/ref_by_position,policy/cases\n' +
        '1,0.25,,"[0.5,-1]","{""case1"":2}"\n' +
        '2,0.5,,"[0.5,-1]","{""case1"":2}"\n',
    );
    expect(metricsCsv([])).toBe('');
  });

  it('token lines: one per real token of each row, in row order, lp_new as the forward pass gave it', () => {
    const pass: TokenPass = {
      iteration: 3,
      epoch: 1,
      minibatch: 0,
      rows: [5, 2],
      width: 3,
      lengths: [2, 1],
      tokens: [0, 1, 9, 1, 9, 9],
      lpOld: [-0.5, -1, 0, -2, 0, 0],
      lpNew: [-0.25, -1.75, -9, -2.25, -9, -9],
      lpRef: [-0.6, -1.1, 0, -2.1, 0, 0],
      advantages: [1, 1, 0, -1, 0, 0],
      ratio: [1.25, 0.5, 1, 0.75, 1, 1],
      cases: [4, 1, 0, 2, 0, 0],
      flows: [0, 1, 0, 1, 0, 0],
    };
    const lines = tokenLines(pass, ['a', 'b']).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        iteration: 3,
        epoch: 1,
        minibatch: 0,
        sequence: 5,
        position: 0,
        token: 'a',
        lp_old: -0.5,
        lp_new: -0.25,
        lp_ref: -0.6,
        advantage: 1,
        ratio: 1.25,
        case: CASE_NAMES[4],
        gradient: false,
      },
      {
        iteration: 3,
        epoch: 1,
        minibatch: 0,
        sequence: 5,
        position: 1,
        token: 'b',
        lp_old: -1,
        lp_new: -1.75,
        lp_ref: -1.1,
        advantage: 1,
        ratio: 0.5,
        case: CASE_NAMES[1],
        gradient: true,
      },
      {
        iteration: 3,
        epoch: 1,
        minibatch: 0,
        sequence: 2,
        position: 0,
        token: 'b',
        lp_old: -2,
        lp_new: -2.25,
        lp_ref: -2.1,
        advantage: -1,
        ratio: 0.75,
        case: CASE_NAMES[2],
        gradient: true,
      },
    ]);
  });
});
