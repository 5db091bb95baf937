/** The Learn path, in order: each chapter's number, its short name for the sidebar, and its component. */
import type { ComponentType } from 'react';
import { Chapter1 } from './Chapter1';
import { Chapter2 } from './Chapter2';

export interface ChapterEntry {
  n: number;
  short: string;
  component: ComponentType;
}

export const CHAPTERS: ChapterEntry[] = [
  { n: 1, short: 'The true objective', component: Chapter1 },
  { n: 2, short: 'Log-derivative trick', component: Chapter2 },
];
