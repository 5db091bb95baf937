/** The Learn path, in order: each chapter's number, its short name for the sidebar, and its component. */
import type { ComponentType } from 'react';
import { Chapter1 } from './Chapter1';
import { Chapter2 } from './Chapter2';
import { Chapter3 } from './Chapter3';
import { Chapter4 } from './Chapter4';
import { Chapter5 } from './Chapter5';
import { Chapter6 } from './Chapter6';
import { Chapter7 } from './Chapter7';
import { Chapter8 } from './Chapter8';

export interface ChapterEntry {
  n: number;
  short: string;
  component: ComponentType;
}

export const CHAPTERS: ChapterEntry[] = [
  { n: 1, short: 'The true objective', component: Chapter1 },
  { n: 2, short: 'Log-derivative trick', component: Chapter2 },
  { n: 3, short: 'Advantages and GAE', component: Chapter3 },
  { n: 4, short: 'Per-token ratios', component: Chapter4 },
  { n: 5, short: 'Clipped surrogate, six cases', component: Chapter5 },
  { n: 6, short: 'The KL guardrail', component: Chapter6 },
  { n: 7, short: 'The composite loss', component: Chapter7 },
  { n: 8, short: 'GRPO', component: Chapter8 },
];
