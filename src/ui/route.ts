/**
 * Which part of the page is in view: the lab itself, a Learn chapter, or the Experiments
 * gallery. The route lives in the page's address next to the lab link (`view=learn&chapter=4`,
 * `view=experiments&experiment=clip-zero`), so a link can open any of them. Route keys are
 * split off before the rest of the query is read as a lab link (engine/link.ts), which would
 * report them as unknown fields.
 */
export type Route =
  | { view: 'lab' }
  | { view: 'learn'; chapter: number }
  /** `runs`: a shared comparison, one lab link per run (`runs=` repeated), read by experiments/compare.ts. */
  | { view: 'experiments'; experiment: string | null; runs?: string[] };

export const VIEWS = ['lab', 'learn', 'experiments'] as const;
export type View = (typeof VIEWS)[number];

/** Query keys that belong to the route, not to the lab link. */
export const ROUTE_KEYS = ['view', 'chapter', 'experiment', 'runs'] as const;

/** Learn chapters are numbered from 1; the count is checked by the Learn view itself. */
const MAX_CHAPTER = 99;

export interface ParsedRoute {
  route: Route;
  /** The query without the route's keys: the lab link. */
  linkQuery: string;
  /** One message per route key that was ignored. */
  messages: string[];
}

const isView = (v: string): v is View => (VIEWS as readonly string[]).includes(v);

export function parseRoute(search: string): ParsedRoute {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const messages: string[] = [];
  const view = q.get('view');
  const chapterRaw = q.get('chapter');
  const experiment = q.get('experiment');
  const runs = q.getAll('runs');
  for (const key of ROUTE_KEYS) q.delete(key);
  const linkQuery = q.toString();

  let route: Route = { view: 'lab' };
  if (view !== null && !isView(view))
    messages.push(`view ${JSON.stringify(view.slice(0, 40))} ignored: expected ${VIEWS.join(', ')}`);
  else if (view === 'learn') {
    const chapter = chapterRaw === null ? 1 : /^\d{1,2}$/.test(chapterRaw) ? Number(chapterRaw) : NaN;
    if (!(chapter >= 1 && chapter <= MAX_CHAPTER)) {
      messages.push(`chapter ${JSON.stringify(chapterRaw?.slice(0, 40))} ignored: expected a chapter number; chapter 1 shown`);
      route = { view: 'learn', chapter: 1 };
    } else route = { view: 'learn', chapter };
  } else if (view === 'experiments') route = { view: 'experiments', experiment, ...(runs.length ? { runs } : {}) };
  return { route, linkQuery, messages };
}

/** The route's own query keys, to put in front of the lab link. */
export function routeQuery(route: Route): string {
  const q = new URLSearchParams();
  if (route.view === 'learn') {
    q.set('view', 'learn');
    q.set('chapter', String(route.chapter));
  } else if (route.view === 'experiments') {
    q.set('view', 'experiments');
    if (route.experiment) q.set('experiment', route.experiment);
    for (const run of route.runs ?? []) q.append('runs', run);
  }
  return q.toString();
}
