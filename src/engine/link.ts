/**
 * The lab link: a query string that reproduces a run exactly on the same backend. It
 * carries every parameter that differs from its default (kebab-case names, as the CLI
 * flags) and the timeline of live edits, applied at iteration boundaries only:
 *
 *   ?v=1&task=sort&seed=3&eps=0.1&edit=12:eps=0.15&edit=30:beta=0.2,adaptive-beta=true
 *
 * `edit=K:…` means "these live parameters take effect at iteration K". Everything read
 * from a link goes through the same validation as a slider or a CLI flag; anything
 * malformed, unknown or out of range is reported and replaced by the default, so a
 * hostile link can neither crash the lab nor slip in a value the controls would refuse.
 */
import { TASKS } from './tasks';
import {
  checkConfig,
  defaultConfig,
  flagOf,
  keyOfFlag,
  parseParam,
  PARAMS,
  PARAM_KEYS,
  type Config,
  type LiveParams,
  type ParamKey,
} from './params';

export const LINK_VERSION = 1;
/** Longer links are refused outright: no legitimate run needs more. */
export const MAX_LINK_LENGTH = 8192;
export const MAX_EDITS = 500;
const MAX_ITERATION = 1_000_000;

export interface TimelineEdit {
  /** The iteration at which the edit takes effect (1 = the first). */
  iteration: number;
  params: Partial<LiveParams>;
}
export type Timeline = TimelineEdit[];

export interface DecodedLink {
  config: Config;
  timeline: Timeline;
  /** One readable message per ignored or corrected field. */
  errors: string[];
}

const formatValue = (v: unknown) => String(v);

export function encodeLink(config: Config, timeline: Timeline = []): string {
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  const d = defaultConfig(config.task);
  if (config.task !== PARAMS.task.default) q.set(flagOf('task'), config.task);
  for (const key of PARAM_KEYS) if (config[key] !== d[key]) q.set(flagOf(key), formatValue(config[key]));
  for (const edit of timeline) {
    const fields = Object.entries(edit.params).map(([k, v]) => `${flagOf(k as ParamKey)}=${formatValue(v)}`);
    if (fields.length) q.append('edit', `${edit.iteration}:${fields.join(',')}`);
  }
  return q.toString();
}

function decodeEdit(raw: string, errors: string[]): TimelineEdit | null {
  const m = /^(\d{1,7}):(.+)$/.exec(raw);
  const iteration = m ? Number(m[1]) : NaN;
  if (!m || iteration < 1 || iteration > MAX_ITERATION) {
    errors.push(
      `edit ${JSON.stringify(raw.slice(0, 40))} ignored: expected ITERATION:name=value,… with ITERATION in [1, ${MAX_ITERATION}]`,
    );
    return null;
  }
  const params: Record<string, unknown> = {};
  for (const field of m[2]!.split(',')) {
    const [flag, value] = field.split('=', 2);
    const key = keyOfFlag(flag ?? '');
    if (!key || value === undefined) {
      errors.push(
        `edit at iteration ${iteration}: ${JSON.stringify(field.slice(0, 40))} ignored (not name=value of a known parameter)`,
      );
    } else if (!PARAMS[key].live) {
      errors.push(`edit at iteration ${iteration}: ${flag} ignored (it is structural: it cannot change during a run)`);
    } else {
      const p = parseParam(key, value);
      if (p.ok) params[key] = p.value;
      else errors.push(`edit at iteration ${iteration} ignored: ${p.error}`);
    }
  }
  return Object.keys(params).length ? { iteration, params: params as Partial<LiveParams> } : null;
}

export function decodeLink(query: string): DecodedLink {
  const errors: string[] = [];
  if (query.length > MAX_LINK_LENGTH) {
    return {
      config: defaultConfig(),
      timeline: [],
      errors: [`the link is ${query.length} characters long (at most ${MAX_LINK_LENGTH}): ignored, defaults used`],
    };
  }
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  // The task first: the other fields are differences from its defaults.
  const task = q.has('task') ? parseParam('task', q.get('task')) : null;
  const config = defaultConfig(task?.ok ? task.value : undefined);
  const version = q.get('v');
  if (version !== null && version !== String(LINK_VERSION))
    errors.push(`link version ${JSON.stringify(version)} is not ${LINK_VERSION}: read as version ${LINK_VERSION}`);
  const timeline: Timeline = [];
  for (const [name, value] of q) {
    if (name === 'v' || (name === 'task' && task?.ok)) continue;
    if (name === 'edit') {
      if (timeline.length >= MAX_EDITS) {
        errors.push(`more than ${MAX_EDITS} edits: the rest are ignored`);
        break;
      }
      const edit = decodeEdit(value, errors);
      if (edit) timeline.push(edit);
      continue;
    }
    const key = keyOfFlag(name);
    if (!key) {
      errors.push(`unknown field ${JSON.stringify(name.slice(0, 40))} ignored`);
      continue;
    }
    const p = parseParam(key, value);
    if (p.ok) (config as Record<string, unknown>)[key] = p.value;
    else errors.push(`${p.error}: default ${formatValue(config[key])} used`);
  }
  timeline.sort((a, b) => a.iteration - b.iteration);
  // Rules that tie parameters together are reported here; the trainer refuses such a config.
  errors.push(...checkConfig(config, TASKS[config.task].maxCompletion));
  return { config, timeline, errors };
}

/** The live edits that take effect at `iteration` (merged when the link lists several). */
export function editsAt(timeline: Timeline, iteration: number): Partial<LiveParams> | null {
  const due = timeline.filter((e) => e.iteration === iteration);
  return due.length ? Object.assign({}, ...due.map((e) => e.params)) : null;
}
