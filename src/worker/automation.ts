/**
 * `window.ppoLab`: a small, stable scripting API over the training client, for the browser
 * tests, the browser bench and anyone driving the lab from the console or Playwright:
 *
 *   ppoLab.send({ type: 'load-config', config }); ppoLab.send({ type: 'start' });
 *   await page.waitForFunction(() => ppoLab.iterations().length >= 3);
 *
 * Everything it returns is plain data (it crosses page.evaluate). Lists restart at each
 * `ready` (a new run or a reset), so they always describe the current run. What the page
 * itself holds (its notices, its retained chart history) comes from `PageProbe`, which
 * main.tsx supplies, so this file stays free of the UI.
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

/** One message of the page's notice list (worker errors and corrected lab-link fields). */
export interface LabNotice {
  kind: string;
  message: string;
  iteration?: number;
}

/** What the page retains: the size of everything that could grow with a long run. */
export interface PageMemory {
  /** Rows of the time charts' bounded history. */
  historyRows: number;
  /** Parameter-change markers on the charts. */
  markers: number;
  /** Live edits of the current run (the lab link's timeline). */
  timeline: number;
  notices: number;
  /** Iterations whose metrics, and whose tokens, the run record keeps for exports. */
  recordedMetrics: number;
  recordedTokens: number;
}

export interface PageProbe {
  notices(): LabNotice[];
  memory(): PageMemory;
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
  /** Metrics of the current run's iterations, oldest first: the last MAX_ITERATIONS of them. */
  iterations(): Metrics[];
  /** Iterations of the current run received so far (all of them, retained or not). */
  iterationCount(): number;
  /** tfjs tensors alive in the worker after its last iteration (null before one). */
  numTensors(): number | null;
  /** Sampled tokens received in the current run. */
  tokens(): number;
  /** Every error since the page loaded (errors outlive resets), oldest first, and the last one. */
  errors(): LabError[];
  lastError(): LabError | null;
  /** Every event, as it arrives; returns the unsubscribe function. */
  subscribe(listener: (e: WorkerEvent) => void): () => void;
  /** Every message the page shows in its notice list, oldest first (link corrections included). */
  notices(): LabNotice[];
  /** What the page retains, to watch for growth in a long run. */
  memory(): PageMemory & { iterationsKept: number };
  /** Fault injection for the fault suite. */
  faults: {
    /** Ends the worker with no event, as a browser or an out-of-memory kill would. */
    terminateWorker(): void;
    /** Shortens how long a silent worker is waited for before it is replaced. */
    silenceLimit(ms: number): void;
  };
}

declare global {
  interface Window {
    ppoLab?: PpoLabAutomation;
  }
}

/**
 * Iterations whose metrics are kept (each is a few hundred numbers): enough for any test or
 * bench to read back, small enough that a long session does not grow the page.
 */
export const MAX_ITERATIONS = 500;

/** Errors kept (a worker failing in a loop must not grow the page either). */
const MAX_ERRORS = 1000;

const noPage: PageProbe = {
  notices: () => [],
  memory: () => ({ historyRows: 0, markers: 0, timeline: 0, notices: 0, recordedMetrics: 0, recordedTokens: 0 }),
};

export function installAutomation(
  client: Pick<TrainingClient, 'send' | 'subscribe' | 'terminateWorkerSilently' | 'setSilenceLimit'>,
  target: { ppoLab?: PpoLabAutomation } = window,
  page: PageProbe = noPage,
): PpoLabAutomation {
  let backend: BackendInfo | null = null;
  let config: Config | null = null;
  let task: TaskInfo | null = null;
  let state: RunState | null = null;
  let iterations: Metrics[] = [];
  let count = 0;
  let numTensors: number | null = null;
  let tokens = 0;
  const errors: LabError[] = [];

  client.subscribe((e) => {
    switch (e.type) {
      case 'ready':
        ({ backend, config, task } = e);
        iterations = [];
        count = 0;
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
        count++;
        numTensors = e.numTensors;
        break;
      case 'error':
        errors.push({ kind: e.kind, message: e.message, ...(e.iteration === undefined ? {} : { iteration: e.iteration }) });
        if (errors.length > MAX_ERRORS) errors.shift();
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
    iterationCount: () => count,
    numTensors: () => numTensors,
    tokens: () => tokens,
    errors: () => [...errors],
    lastError: () => errors.at(-1) ?? null,
    subscribe: (listener) => client.subscribe(listener),
    notices: () => page.notices(),
    memory: () => ({ ...page.memory(), iterationsKept: iterations.length }),
    faults: {
      terminateWorker: () => client.terminateWorkerSilently(),
      silenceLimit: (ms) => client.setSilenceLimit(ms),
    },
  };
  target.ppoLab = api;
  return api;
}
