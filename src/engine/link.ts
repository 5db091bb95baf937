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
  decimalText,
  parseParam,
  PARAMS,
  quote,
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

/** Numbers in plain decimal (never 5e-7): the decoder reads nothing else. */
const formatValue = (v: unknown) => (typeof v === 'number' ? decimalText(v) : String(v));

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

/** `edit=K:name=value,…`: K written in decimal from 1 (no leading zeros), then at least one field. */
const EDIT = /^([1-9]\d{0,6}):(.+)$/;

function decodeEdit(raw: string, errors: string[]): TimelineEdit | null {
  const m = EDIT.exec(raw);
  const iteration = m ? Number(m[1]) : NaN;
  if (!m || iteration > MAX_ITERATION) {
    errors.push(`edit ${quote(raw)} ignored: expected ITERATION:name=value,… with ITERATION in [1, ${MAX_ITERATION}]`);
    return null;
  }
  const params: Record<string, unknown> = {};
  for (const field of m[2]!.split(',')) {
    // Split at the first "=" only: in "eps=0.1=evil" the value is "0.1=evil", refused whole.
    const eq = field.indexOf('=');
    const flag = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    const key = keyOfFlag(flag);
    if (!key || value === undefined) {
      errors.push(`edit at iteration ${iteration}: ${quote(field)} ignored (not name=value of a known parameter)`);
    } else if (!PARAMS[key].live) {
      errors.push(`edit at iteration ${iteration}: ${flag} ignored (it is structural: it cannot change during a run)`);
    } else {
      const p = parseParam(key, value);
      if (!p.ok) errors.push(`edit at iteration ${iteration}: ${p.error}: this field ignored`);
      else {
        if (key in params)
          errors.push(
            `edit at iteration ${iteration}: ${flag} given twice: ${formatValue(params[key])} ignored, ${formatValue(p.value)} used`,
          );
        params[key] = p.value;
      }
    }
  }
  return Object.keys(params).length ? { iteration, params: params } : null;
}

/** Reads the value of a field given (perhaps several times) in the link: the last one counts, and a repeat is reported. */
function lastOf(name: string, values: string[], errors: string[]): string {
  const last = values[values.length - 1]!;
  if (values.length > 1)
    errors.push(`${name} given ${values.length} times (${values.map(quote).join(', ')}): only the last, ${quote(last)}, is read`);
  return last;
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
  // Every field's values in order, so that a repeated field is seen (get() would take the first silently).
  const fields = new Map<string, string[]>();
  for (const [name, value] of q) fields.set(name, [...(fields.get(name) ?? []), value]);

  // The task first: the other fields are differences from its defaults.
  let config = defaultConfig();
  const taskValues = fields.get('task');
  if (taskValues) {
    const p = parseParam('task', lastOf('task', taskValues, errors));
    if (p.ok) config = defaultConfig(p.value);
    else errors.push(`${p.error}: ${config.task} used`);
  }
  const versionValues = fields.get('v');
  const version = versionValues ? lastOf('v', versionValues, errors) : null;
  if (version !== null && version !== String(LINK_VERSION))
    errors.push(`link version ${quote(version)} is not ${LINK_VERSION}: read as version ${LINK_VERSION}`);

  const timeline: Timeline = [];
  for (const [name, values] of fields) {
    if (name === 'v' || name === 'task') continue;
    if (name === 'edit') {
      for (const value of values) {
        if (timeline.length >= MAX_EDITS) {
          errors.push(`more than ${MAX_EDITS} edits: the rest are ignored`);
          break;
        }
        const edit = decodeEdit(value, errors);
        if (edit) timeline.push(edit);
      }
      continue;
    }
    const key = keyOfFlag(name);
    if (!key) {
      errors.push(`unknown field ${quote(name)} ignored`);
      continue;
    }
    const p = parseParam(key, lastOf(name, values, errors));
    if (p.ok) (config as Record<string, unknown>)[key] = p.value;
    else errors.push(`${p.error}: default ${formatValue(config[key])} used`);
  }
  timeline.sort((a, b) => a.iteration - b.iteration);
  errors.push(...repeatedEdits(timeline));
  // Rules that tie parameters together are reported here; the trainer refuses such a config.
  errors.push(...checkConfig(config, TASKS[config.task].maxCompletion));
  return { config, timeline, errors };
}

/** Several edits of one parameter at one iteration: the last in the link is used (editsAt merges in order). */
function repeatedEdits(timeline: Timeline): string[] {
  const messages: string[] = [];
  const seen = new Map<string, unknown>();
  for (const edit of timeline) {
    for (const [k, v] of Object.entries(edit.params)) {
      const id = `${edit.iteration}:${k}`;
      if (seen.has(id))
        messages.push(
          `edit at iteration ${edit.iteration}: ${flagOf(k as ParamKey)} given in more than one edit: ` +
            `${formatValue(seen.get(id))} ignored, ${formatValue(v)} used`,
        );
      seen.set(id, v);
    }
  }
  return messages;
}

/** The live edits that take effect at `iteration` (merged when the link lists several). */
export function editsAt(timeline: Timeline, iteration: number): Partial<LiveParams> | null {
  const due = timeline.filter((e) => e.iteration === iteration);
  return due.length ? Object.assign({}, ...due.map((e) => e.params)) : null;
}
