/** Slider scales and chart axis bounds: pure helpers of the UI. */
import { describe, expect, it } from 'vitest';
import { PARAMS, parseParam } from '../../src/engine/params';
import { fromPosition, isLogScale, LOG_STEPS, toPosition, valueAt } from '../../src/ui/panels/slider-scale';
import { iterationDomain, niceCeil, niceDomain } from '../../src/ui/charts/nice';

describe('slider scales', () => {
  it('moves the learning rate on a log scale, end to end, with values parseParam accepts', () => {
    const lr = PARAMS.lr;
    expect(isLogScale(lr)).toBe(true);
    expect(fromPosition(lr, 0)).toBe(lr.min);
    expect(fromPosition(lr, LOG_STEPS)).toBe(lr.max);
    for (let pos = 0; pos <= LOG_STEPS; pos += 1) {
      const v = fromPosition(lr, pos);
      expect(parseParam('lr', v).ok).toBe(true);
      expect(toPosition(lr, v)).toBe(pos);
    }
    // One arrow-key press from the bottom moves the value (the step must not freeze it).
    expect(fromPosition(lr, 1)).toBeGreaterThan(lr.min);
    expect(toPosition(lr, 0.001)).toBe(Math.round((LOG_STEPS * Math.log(0.001 / lr.min)) / Math.log(lr.max / lr.min)));
  });

  it('keeps linear sliders on their step (eps 0.15 is 0.15, not 0.15000000000000002)', () => {
    expect(isLogScale(PARAMS.eps)).toBe(false);
    expect(fromPosition(PARAMS.eps, 0.15000000000000002)).toBe(0.15);
    expect(fromPosition(PARAMS.epochs, 3.4)).toBe(3);
    // An integer spanning decades (the KL horizon) gets a log slider that yields integers.
    expect(isLogScale(PARAMS.klHorizon)).toBe(true);
    expect(Number.isInteger(fromPosition(PARAMS.klHorizon, 517))).toBe(true);
    // …and an arrow-key press near its minimum still moves it.
    expect(valueAt(PARAMS.klHorizon, toPosition(PARAMS.klHorizon, 10) + 1, 10)).toBe(11);
    expect(valueAt(PARAMS.klHorizon, toPosition(PARAMS.klHorizon, 11) - 1, 11)).toBe(10);
  });
});

describe('axis bounds', () => {
  it('snap outward to round numbers and change rarely', () => {
    expect(niceCeil(3)).toBe(3);
    expect(niceCeil(7)).toBe(8);
    expect(niceCeil(11)).toBe(12);
    expect(niceCeil(10_382)).toBe(12_000);
    expect(niceCeil(200)).toBe(200);
    expect(iterationDomain(1, 7)).toEqual([1, 8]);
    expect(iterationDomain(1, 10_382)).toEqual([0, 12_000]);
    expect(iterationDomain(9, 13)).toEqual([9, 15]);
    expect(niceDomain([0.013, 0.27], true)).toEqual([0, 0.3]);
    expect(niceDomain([-0.4, 0.9])).toEqual([-0.5, 1]);
    // Flat series: a visible span, from 0 upward for shares.
    expect(niceDomain([0, 0], true)).toEqual([0, 1]);
    expect(niceDomain([])).toEqual([0, 1]);
    expect(niceDomain([NaN, 2, Infinity])[1]).toBeGreaterThan(2);
  });
});
