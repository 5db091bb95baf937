/**
 * A saved policy: the trainer's weights (value head included) with the config and the
 * iteration they were reached at, in the same container as the SFT checkpoints
 * (checkpoint.ts), marked `kind: policy`. Everything in a file is checked before anything
 * is replaced: magic, header, config (as strictly as a lab link), iteration, tensor count,
 * shapes and sizes, finite values. A file that fails is refused with a message naming what
 * is wrong.
 */
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { WeightMap } from './model';
import { parseConfig, type Config } from './params';

export const POLICY_KIND = 'policy';
/** Larger files are refused unread: the largest model's policy is a few MB. */
export const MAX_POLICY_BYTES = 64 * 1024 * 1024;

export interface PolicyCheckpoint {
  config: Config;
  iteration: number;
  /** β in force when saved (adaptive β moves it). */
  beta: number;
  /** The policy's trainable variables, in the trainer's order. */
  weights: WeightMap;
}

export const policyFileName = (c: Config, iteration: number) => `ppo-lab-${c.task}-${c.algo}-seed${c.seed}-iter${iteration}.ckpt`;

export function encodePolicyCheckpoint(p: PolicyCheckpoint): Uint8Array {
  return encodeCheckpoint(
    {
      task: p.config.task,
      model: p.config.model,
      info: { kind: POLICY_KIND, iteration: p.iteration, beta: p.beta, config: JSON.stringify(p.config) },
    },
    p.weights,
  );
}

/** Decodes and checks a policy file; throws an Error whose message says what is wrong. */
export function decodePolicyCheckpoint(buffer: ArrayBuffer): PolicyCheckpoint {
  if (buffer.byteLength > MAX_POLICY_BYTES)
    throw new Error(`the file is ${buffer.byteLength} bytes, more than a PPO Lab policy can be (${MAX_POLICY_BYTES})`);
  let decoded;
  try {
    decoded = decodeCheckpoint(buffer);
  } catch (e) {
    throw new Error(e instanceof SyntaxError ? 'its header is not valid JSON' : (e as Error).message, { cause: e });
  }
  const { header, weights } = decoded;
  const info = header?.info;
  if (!info || info.kind !== POLICY_KIND)
    throw new Error('it is not a saved policy (an SFT reference checkpoint, or another file with the same magic)');
  let raw: unknown;
  try {
    raw = JSON.parse(String(info.config));
  } catch {
    throw new Error('its config is not valid JSON');
  }
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`its config is refused: ${parsed.errors.join('; ')}`);
  const iteration = info.iteration;
  if (typeof iteration !== 'number' || !Number.isInteger(iteration) || iteration < 0 || iteration > 1e7)
    throw new Error(`its iteration ${JSON.stringify(iteration)} is not a whole number of iterations`);
  const beta = info.beta;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0)
    throw new Error(`its β ${JSON.stringify(beta)} is not a number ≥ 0`);
  for (const [name, w] of weights) {
    if (!w.shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`tensor ${name} has a malformed shape`);
    if (!w.data.every(Number.isFinite)) throw new Error(`tensor ${name} holds NaN or infinite weights`);
  }
  return { config: parsed.config, iteration, beta, weights };
}

/**
 * Why `saved` cannot go into a policy whose variables have `shapes` (null when it can):
 * the same number of tensors, each of the same shape.
 */
export function weightMismatch(shapes: readonly (readonly number[])[], saved: WeightMap): string | null {
  const list = [...saved.values()];
  if (list.length !== shapes.length)
    return `it holds ${list.length} tensors and this model has ${shapes.length}: it was saved from a different model`;
  for (let i = 0; i < shapes.length; i++) {
    const a = shapes[i]!.join('×');
    const b = list[i]!.shape.join('×');
    if (a !== b) return `tensor ${i} (${[...saved.keys()][i]}) is ${b} where this model has ${a}`;
  }
  return null;
}
