/**
 * The Learn chapters' numbers and short names, apart from their components (chapters.ts):
 * what the address and the embed keys check a chapter number against.
 */
export const CHAPTER_NAMES = {
  1: 'The true objective',
  2: 'Log-derivative trick',
  3: 'Advantages and GAE',
  4: 'Per-token ratios',
  5: 'Clipped surrogate, six cases',
  6: 'The KL guardrail',
  7: 'The composite loss',
  8: 'GRPO',
} as const;

export type ChapterNumber = keyof typeof CHAPTER_NAMES;
