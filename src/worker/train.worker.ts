/**
 * The training worker (a dedicated module worker): wires the worker globals to a
 * TrainingSession — commands in, one message of events per frame out, checkpoints
 * fetched from the site, the tfjs backend chosen by backend.ts, a lost GPU reported.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';
import type { Command, WorkerPost } from './protocol';
import { TrainingSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Fetches a file of public/ (a path like `checkpoints/sort-base.ckpt`), reporting progress. */
async function fetchCheckpoint(file: string, progress: (fraction: number) => void): Promise<ArrayBuffer> {
  const url = new URL(import.meta.env.BASE_URL + file, scope.location.href).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  // A single-page server answers unknown paths with index.html: that is a missing file, not a checkpoint.
  if ((response.headers.get('content-type') ?? '').includes('text/html'))
    throw new Error(`${url}: not found (the server sent a web page)`);
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body || !total) return response.arrayBuffer();
  const bytes = new Uint8Array(total);
  const reader = response.body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.length > total) throw new Error(`${url}: more bytes than its Content-Length`);
    bytes.set(value, received);
    received += value.length;
    progress(received / total);
  }
  return bytes.buffer.slice(0, received);
}

const session = new TrainingSession({
  post: (events, transfer) => scope.postMessage({ events } satisfies WorkerPost, transfer),
  fetchCheckpoint,
  async selectBackend(requested, progress, config) {
    const { info, lost } = await selectBackend(requested, progress, config);
    void lost?.then((reason) => {
      // A later run may have moved to another backend; only a loss under our feet matters.
      if (tf.getBackend() === 'webgpu')
        session.fatal('backend', `The WebGPU device was lost (${reason}). Restarting the training worker on the last config.`);
    });
    return info;
  },
});

scope.onmessage = (e: MessageEvent<Command>) => session.handle(e.data);
