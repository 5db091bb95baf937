/**
 * `window.ppoLab`: a small, stable scripting API over the training client, for the browser
 * tests, the browser bench and anyone driving the lab from the console or Playwright:
 *
 *   ppoLab.send({ type: 'load-config', config }); ppoLab.send({ type: 'start' });
 *   await page.waitForFunction(() => ppoLab.iterations().length >= 3);
 *
 * Everything it returns is plain data (it crosses page.evaluate). Lists restart at each
 * `ready` (a new run or a reset), so they always describe the current run.
 */
import type { Config } from '../engine/params';
import type { Metrics } from '../engine/metrics';
import type { TrainingClient } from './client';
import type { BackendInfo, Command, ErrorKind, RunState, TaskInfo, WorkerEvent } from './protocol';

export interface LabError {
  kind: ErrorKind;
  message: string;
  iteration?: number;
}

export interface PpoLabAutomation {
  /** Bumped only on an incompatible change of this API. */
  readonly version: 1;
  send(cmd: Command): void;
  /** The backend the current run trains on (null before the first `ready`). */
  backend(): BackendInfo | null;
  config(): Config | null;
  task(): TaskInfo | null;
  /** The run state of the last `status` event. */
  state(): RunState | null;
  /** Metrics of every iteration of the current run received so far, oldest first. */
  iterations(): Metrics[];
  /** Sampled tokens received in the current run. */
  tokens(): number;
  /** Every error since the page loaded (errors outlive resets), oldest first, and the last one. */
  errors(): LabError[];
  lastError(): LabError | null;
  /** Every event, as it arrives; returns the unsubscribe function. */
  subscribe(listener: (e: WorkerEvent) => void): () => void;
}

declare global {
  interface Window {
    ppoLab?: PpoLabAutomation;
  }
}

/** Iterations kept (a long session must not grow the page without bound). */
const MAX_ITERATIONS = 10_000;

export function installAutomation(
  client: Pick<TrainingClient, 'send' | 'subscribe'>,
  target: { ppoLab?: PpoLabAutomation } = window,
): PpoLabAutomation {
  let backend: BackendInfo | null = null;
  let config: Config | null = null;
  let task: TaskInfo | null = null;
  let state: RunState | null = null;
  let iterations: Metrics[] = [];
  let tokens = 0;
  const errors: LabError[] = [];

  client.subscribe((e) => {
    switch (e.type) {
      case 'ready':
        ({ backend, config, task } = e);
        iterations = [];
        tokens = 0;
        break;
      case 'status':
        state = e.state;
        break;
      case 'rollout-token':
        tokens += e.batch.token.length;
        break;
      case 'iteration':
        iterations.push(e.metrics);
        if (iterations.length > MAX_ITERATIONS) iterations.shift();
        break;
      case 'error':
        errors.push({ kind: e.kind, message: e.message, ...(e.iteration === undefined ? {} : { iteration: e.iteration }) });
        break;
    }
  });

  const api: PpoLabAutomation = {
    version: 1,
    send: (cmd) => client.send(cmd),
    backend: () => backend,
    config: () => config,
    task: () => task,
    state: () => state,
    iterations: () => [...iterations],
    tokens: () => tokens,
    errors: () => [...errors],
    lastError: () => errors.at(-1) ?? null,
    subscribe: (listener) => client.subscribe(listener),
  };
  target.ppoLab = api;
  return api;
}
