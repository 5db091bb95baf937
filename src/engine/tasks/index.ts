import { banditTask } from './bandit';
import { parityTask } from './parity';
import { sentimentTask } from './sentiment';
import { sortTask } from './sort';
import type { Task } from './task';

export const TASKS = {
  sort: sortTask,
  sentiment: sentimentTask,
  parity: parityTask,
  bandit: banditTask,
} as const satisfies Record<string, Task>;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];
export type { Task, Example } from './task';
