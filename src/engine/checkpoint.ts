/**
 * The SFT reference checkpoints in public/checkpoints: one small binary file per task and
 * model size. Layout: "PPOL", a uint32 header length, a JSON header (shapes, names, the
 * config it was trained with), padding to 4 bytes, then float32 little-endian weights.
 * Hosts read the bytes (fs in Node, fetch in the worker); the engine only decodes them.
 */
import { CheckpointError } from './errors';
import type { WeightMap } from './model';

const MAGIC = 'PPOL';

export interface CheckpointHeader {
  task: string;
  model: string;
  /** What produced it: pretrain settings and final SFT loss, for the record. */
  info: Record<string, number | string>;
  tensors: { name: string; shape: number[] }[];
}

export interface Checkpoint {
  header: CheckpointHeader;
  weights: WeightMap;
}

export const checkpointFile = (task: string, model: string) => `checkpoints/${task}-${model}.ckpt`;

export function encodeCheckpoint(header: Omit<CheckpointHeader, 'tensors'>, weights: WeightMap): Uint8Array {
  const tensors = [...weights].map(([name, w]) => ({ name, shape: w.shape }));
  const json = new TextEncoder().encode(JSON.stringify({ ...header, tensors }));
  const start = Math.ceil((8 + json.length) / 4) * 4;
  const floats = [...weights.values()].reduce((n, w) => n + w.data.length, 0);
  const bytes = new Uint8Array(start + floats * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  let offset = start;
  for (const w of weights.values()) {
    bytes.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
    offset += w.data.byteLength;
  }
  return bytes;
}

export function decodeCheckpoint(buffer: ArrayBuffer): Checkpoint {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new CheckpointError('not a PPO Lab checkpoint (bad magic)');
  }
  const headerLength = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as CheckpointHeader;
  let offset = Math.ceil((8 + headerLength) / 4) * 4;
  const weights: WeightMap = new Map();
  for (const { name, shape } of header.tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size * 4 > bytes.length) throw new CheckpointError(`checkpoint is truncated at tensor ${name}`);
    weights.set(name, { shape, data: new Float32Array(buffer.slice(offset, offset + size * 4)) });
    offset += size * 4;
  }
  return { header, weights };
}
