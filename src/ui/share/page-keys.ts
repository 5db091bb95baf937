/**
 * Query keys that shape the page rather than the run: classroom mode (`hide=`, `lock=`) and
 * embed mode (`embed=`). They are split off before the rest of the query is read as a route
 * and a lab link (route.ts, engine/link.ts), and validated strictly: every name must be one
 * the page knows, so a malformed flag is reported by name and nothing from the link reaches
 * the page but a known name.
 *
 *   hide=eps,group-kl,panel-tokens   hide the eps control, the KL group and the token stream
 *   lock=eps,beta                    show eps and β but keep them at the link's values
 *   embed=six-cases                  show only one panel, sized for an iframe
 *   embed=learn-5                    show only Learn chapter 5, sized for an iframe
 */
import { flagOf, keyOfFlag, parseParam, PARAMS, PARAM_KEYS, type ParamKey } from '../../engine/params';
import { CHAPTER_NAMES, type ChapterNumber } from '../learn/chapter-names';

export const PAGE_KEYS = ['hide', 'lock', 'embed'] as const;

/** Groups of controls a teacher can hide at once (Controls.tsx draws them). */
export const CONTROL_GROUPS = {
  'group-ppo': 'PPO update (live)',
  'group-kl': 'KL to the reference (live)',
  'group-optim': 'Optimizer (live)',
  'group-sampling': 'Sampling (live)',
  'group-setup': 'Run setup (applies on Reset)',
} as const;
export type ControlGroup = keyof typeof CONTROL_GROUPS;

/** The lab's panels, by the name a link uses. */
export const PANELS = {
  'panel-controls': 'Parameter panel (all controls)',
  'panel-tokens': 'Token stream',
  'panel-ratio-histogram': 'Ratio histogram',
  'panel-clipfrac': 'Clip fraction',
  'panel-six-cases': 'Six cases',
  'panel-kl': 'KL to the reference',
  'panel-reward': 'Reward',
  'panel-entropy': 'Entropy',
  'panel-value': 'Value head',
  'panel-approxkl': 'Approx KL',
  'panel-length': 'Completion length',
  'panel-task': 'Task diagnostics',
  'panel-timeline': 'Timeline (scrub)',
  'panel-export': 'Export and checkpoints',
} as const;
export type Panel = keyof typeof PANELS;

/** The panels `embed=` can show alone: one panel or one of these pairs. */
export const EMBEDS = {
  'six-cases': { title: 'Six cases with the token stream', panels: ['panel-tokens', 'panel-six-cases'] },
  tokens: { title: 'Token stream', panels: ['panel-tokens'] },
  'ratio-histogram': { title: 'Ratio histogram', panels: ['panel-ratio-histogram'] },
  clipfrac: { title: 'Clip fraction', panels: ['panel-clipfrac'] },
  kl: { title: 'KL to the reference', panels: ['panel-kl'] },
  reward: { title: 'Reward', panels: ['panel-reward'] },
} as const satisfies Record<string, { title: string; panels: Panel[] }>;
export type PanelEmbed = keyof typeof EMBEDS;
/** A Learn chapter alone: `learn-1` … `learn-8`. */
export type LearnEmbed = `learn-${ChapterNumber}`;
export type Embed = PanelEmbed | LearnEmbed;

/** Every learn-N an `embed=` accepts, in chapter order. */
export const LEARN_EMBEDS = Object.keys(CHAPTER_NAMES).map((n) => `learn-${n}` as LearnEmbed);

export const isLearnEmbed = (embed: Embed): embed is LearnEmbed => embed.startsWith('learn-');

/** The chapter a `learn-N` embed shows. */
export const chapterOf = (embed: LearnEmbed): ChapterNumber => Number(embed.slice('learn-'.length)) as ChapterNumber;

/** What an embed shows, in words (the embed's heading, the lesson dialog's menu, the iframe's title). */
export function embedTitle(embed: Embed): string {
  if (!isLearnEmbed(embed)) return EMBEDS[embed].title;
  const n = chapterOf(embed);
  return `Learn, chapter ${n}: ${CHAPTER_NAMES[n]}`;
}

/** A hideable name: a parameter's flag, a group of controls, or a panel. */
export type Hideable = string;

export interface PageMode {
  /** Parameter flags, control groups and panels hidden from students. */
  hide: ReadonlySet<Hideable>;
  /** Parameters shown but fixed at the link's value. */
  lock: ReadonlySet<ParamKey>;
  embed: Embed | null;
}

export interface ParsedPageKeys {
  mode: PageMode;
  /** The query without the page keys: the route and the lab link. */
  rest: string;
  /** One message per malformed or ignored flag. */
  messages: string[];
}

export const NO_MODE: PageMode = { hide: new Set(), lock: new Set(), embed: null };

const MAX_NAMES = 80;
const quote = (s: string) => JSON.stringify(s.slice(0, 40));
const isGroup = (s: string): s is ControlGroup => Object.hasOwn(CONTROL_GROUPS, s);
const isPanel = (s: string): s is Panel => Object.hasOwn(PANELS, s);
/** Whether a name is one `embed=` accepts. */
export const isEmbed = (s: string): s is Embed => Object.hasOwn(EMBEDS, s) || (LEARN_EMBEDS as string[]).includes(s);

/** Every name `hide=` accepts, for the lesson dialog and for messages. */
export const HIDEABLE: readonly string[] = [...PARAM_KEYS.map(flagOf), ...Object.keys(CONTROL_GROUPS), ...Object.keys(PANELS)];

function names(q: URLSearchParams, key: string): string[] {
  return q
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, MAX_NAMES);
}

export function parsePageKeys(search: string): ParsedPageKeys {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const messages: string[] = [];
  const hide = new Set<string>();
  for (const name of names(q, 'hide')) {
    if (keyOfFlag(name) || isGroup(name) || isPanel(name)) hide.add(name);
    else messages.push(`hide: ${quote(name)} ignored: not a parameter, a group (group-…) or a panel (panel-…) of the lab`);
  }
  const lock = new Set<ParamKey>();
  for (const name of names(q, 'lock')) {
    const key = keyOfFlag(name);
    if (!key) {
      messages.push(`lock: ${quote(name)} ignored: not a parameter of the lab`);
      continue;
    }
    lock.add(key);
    const raw = q.get(name);
    if (raw !== null) {
      const p = parseParam(key, raw);
      if (!p.ok) messages.push(`lock: ${name} is locked at its default ${String(PARAMS[key].default)}, since ${p.error}`);
    }
  }
  let embed: Embed | null = null;
  const rawEmbed = q.get('embed');
  if (rawEmbed !== null) {
    if (isEmbed(rawEmbed)) embed = rawEmbed;
    else if (rawEmbed.startsWith('learn-'))
      messages.push(
        `embed: ${quote(rawEmbed)} ignored: a Learn chapter is learn-1 to learn-${LEARN_EMBEDS.length}; the whole lab is shown`,
      );
    else
      messages.push(
        `embed: ${quote(rawEmbed)} ignored: expected one of ${Object.keys(EMBEDS).join(', ')} or learn-1 to learn-${LEARN_EMBEDS.length}; the whole lab is shown`,
      );
  }
  for (const key of PAGE_KEYS) q.delete(key);
  return { mode: { hide, lock, embed }, rest: q.toString(), messages };
}

/** The page keys of a mode, to put back into the address (empty when there is no mode). */
export function pageQuery(mode: PageMode): string {
  const q = new URLSearchParams();
  if (mode.hide.size) q.set('hide', [...mode.hide].join(','));
  if (mode.lock.size) q.set('lock', [...mode.lock].map(flagOf).join(','));
  if (mode.embed) q.set('embed', mode.embed);
  return q.toString().replace(/%2C/g, ',');
}
