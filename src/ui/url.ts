/**
 * Reads the page's URL as a lab link (engine/link.ts): the whole config, validated like a
 * slider, plus the timeline of live edits. Anything malformed is reported and replaced by
 * its default; a combination the engine would refuse falls back to the defaults (keeping
 * the backend asked for), so a bad link never leaves a blank or broken page.
 */
import { decodeLink, type Timeline } from '../engine/link';
import { defaultConfig, type Config } from '../engine/params';
import { parseRoute, type Route } from './route';
import { configErrorsOf } from './slices/config';

export interface StartingPoint {
  config: Config;
  timeline: Timeline;
  /** The part of the page in view (route.ts). */
  route: Route;
  /** One message per field that was ignored or corrected. */
  messages: string[];
}

export function readUrl(search: string): StartingPoint {
  const { route, linkQuery, messages: routeMessages } = parseRoute(search);
  if (linkQuery === '') return { config: defaultConfig(), timeline: [], route, messages: routeMessages };
  const { config, timeline, errors } = decodeLink(linkQuery);
  if (configErrorsOf(config).length) {
    // decodeLink already listed the broken rules among `errors`.
    return {
      config: { ...defaultConfig(), backend: config.backend },
      timeline: [],
      route,
      messages: [...routeMessages, ...errors, "the link's settings cannot run together: defaults used instead"],
    };
  }
  return { config, timeline, route, messages: [...routeMessages, ...errors] };
}
