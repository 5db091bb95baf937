/**
 * What each case means, as the table in src/engine/cases.ts states it (teaching text only:
 * the case of every token comes from the engine's `cases` arrays and counts). Colours are
 * CSS variables (Okabe–Ito palette, distinguishable with the common colour-vision deficiencies).
 */
import type { CaseName } from '../../engine/cases';

export interface CaseInfo {
  name: CaseName;
  /** 0 = no signal, 1..6 the six cases. */
  n: number;
  ratio: string;
  sign: '+' | '−' | '0';
  picks: string;
  flows: boolean;
  effect: string;
  color: string;
}

export const CASE_INFO: CaseInfo[] = [
  {
    name: 'case1',
    n: 1,
    ratio: '1−ε ≤ r ≤ 1+ε_high',
    sign: '+',
    picks: 'r·A',
    flows: true,
    effect: 'raise prob',
    color: 'var(--case1)',
  },
  {
    name: 'case2',
    n: 2,
    ratio: '1−ε ≤ r ≤ 1+ε_high',
    sign: '−',
    picks: 'r·A',
    flows: true,
    effect: 'lower prob',
    color: 'var(--case2)',
  },
  { name: 'case3', n: 3, ratio: 'r < 1−ε', sign: '+', picks: 'r·A', flows: true, effect: 'raise prob', color: 'var(--case3)' },
  {
    name: 'case4',
    n: 4,
    ratio: 'r < 1−ε',
    sign: '−',
    picks: '(1−ε)·A',
    flows: false,
    effect: 'clipped: floor hit',
    color: 'var(--case4)',
  },
  {
    name: 'case5',
    n: 5,
    ratio: 'r > 1+ε_high',
    sign: '+',
    picks: '(1+ε_high)·A',
    flows: false,
    effect: 'clipped: ceiling hit',
    color: 'var(--case5)',
  },
  {
    name: 'case6',
    n: 6,
    ratio: 'r > 1+ε_high',
    sign: '−',
    picks: 'r·A',
    flows: true,
    effect: 'lower prob',
    color: 'var(--case6)',
  },
];

export const NO_SIGNAL: CaseInfo = {
  name: 'no_signal',
  n: 0,
  ratio: 'any',
  sign: '0',
  picks: '0',
  flows: false,
  effect: 'no signal (A = 0)',
  color: 'var(--case0)',
};

/** Info by case number 0..6. */
export const caseInfo = (n: number): CaseInfo => (n >= 1 && n <= 6 ? CASE_INFO[n - 1]! : NO_SIGNAL);
