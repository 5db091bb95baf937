/**
 * The page's classroom and embed mode (page-keys.ts), read once from the address at start.
 * A store of its own: it never changes while the page is open, and the lab's store stays
 * about the run.
 */
import { create } from 'zustand';
import { flagOf, PARAMS, type ParamKey } from '../../engine/params';
import { useLab } from '../store';
import { NO_MODE, type ControlGroup, type PageMode } from './page-keys';

export const usePageMode = create<PageMode>()(() => NO_MODE);

/** Whether a parameter's control, a group of controls or a panel is hidden from students. */
export const useHidden = (name: string): boolean => usePageMode((m) => m.hide.has(name));

/** The group of controls a parameter is drawn in (Controls.tsx): its live group, or the run setup. */
export const groupOf = (key: ParamKey): ControlGroup =>
  PARAMS[key].live ? (`group-${PARAMS[key].group}` as ControlGroup) : 'group-setup';

export const useParamHidden = (key: ParamKey): boolean => usePageMode((m) => m.hide.has(flagOf(key)) || m.hide.has(groupOf(key)));

export const useLocked = (key: ParamKey): boolean => usePageMode((m) => m.lock.has(key));

interface LinkTarget {
  target?: '_blank';
  rel?: 'noopener noreferrer';
}
const NEW_TAB: LinkTarget = { target: '_blank', rel: 'noopener noreferrer' };
const SAME_TAB: LinkTarget = {};

/** A link into the lab from an embed opens the whole lab in a new tab, not inside the course page's iframe. */
export const useLabLinkTarget = (): LinkTarget => (usePageMode((m) => m.embed !== null) ? NEW_TAB : SAME_TAB);

/**
 * Locked values stay at the link's value: the store's setParam refuses them (a locked
 * control is also drawn disabled, but a keyboard or a script must not get around it).
 */
export function guardLockedParams(): void {
  const setParam = useLab.getState().setParam;
  useLab.setState({
    setParam: (key, raw) => {
      if (!usePageMode.getState().lock.has(key)) return setParam(key, raw);
      useLab.setState((s) => ({ fieldErrors: { ...s.fieldErrors, [key]: `${flagOf(key)} is locked by this lesson's link` } }));
    },
  });
}
