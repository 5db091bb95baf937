/**
 * The page's classroom and embed mode (page-keys.ts), read once from the address at start.
 * A store of its own: it never changes while the page is open, and the lab's store stays
 * about the run.
 */
import { create } from 'zustand';
import { flagOf, type ParamKey } from '../../engine/params';
import { NO_MODE, type ControlGroup, type PageMode } from './page-keys';

export const usePageMode = create<PageMode>()(() => NO_MODE);

/** Whether a parameter's control, a group of controls or a panel is hidden from students. */
export const useHidden = (name: string): boolean => usePageMode((m) => m.hide.has(name));

export const useParamHidden = (key: ParamKey, group: ControlGroup): boolean =>
  usePageMode((m) => m.hide.has(flagOf(key)) || m.hide.has(group));

export const useLocked = (key: ParamKey): boolean => usePageMode((m) => m.lock.has(key));
