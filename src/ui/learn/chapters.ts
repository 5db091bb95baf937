/** The Learn path, in order: each chapter's number, its short name for the sidebar, and its component. */
import type { ComponentType } from 'react';
import { CHAPTER_NAMES } from './chapter-names';
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
  { n: 1, short: CHAPTER_NAMES[1], component: Chapter1 },
  { n: 2, short: CHAPTER_NAMES[2], component: Chapter2 },
  { n: 3, short: CHAPTER_NAMES[3], component: Chapter3 },
  { n: 4, short: CHAPTER_NAMES[4], component: Chapter4 },
  { n: 5, short: CHAPTER_NAMES[5], component: Chapter5 },
  { n: 6, short: CHAPTER_NAMES[6], component: Chapter6 },
  { n: 7, short: CHAPTER_NAMES[7], component: Chapter7 },
  { n: 8, short: CHAPTER_NAMES[8], component: Chapter8 },
];
