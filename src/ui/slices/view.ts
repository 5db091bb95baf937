/** View slice: which part of the page is in view, and display preferences kept across visits. */
import type { Route } from '../route';
import type { Slice } from '../store';

export interface ViewSlice {
  /** The lab, a Learn chapter or the Experiments gallery (route.ts). */
  route: Route;
  setRoute: (route: Route) => void;
  /** Projector mode: everything larger. */
  largeFont: boolean;
  toggleLargeFont: () => void;
}

const KEY = 'ppo-lab:large-font';

function stored(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(KEY) === '1';
  } catch {
    return false; // storage blocked (private mode): fall back to the default
  }
}

export const createViewSlice: Slice<ViewSlice> = (set, get) => ({
  route: { view: 'lab' },
  setRoute: (route) => set({ route }),
  largeFont: stored(),
  toggleLargeFont: () => {
    const largeFont = !get().largeFont;
    try {
      localStorage.setItem(KEY, largeFont ? '1' : '0');
    } catch {
      /* not persisted: still applied for this visit */
    }
    set({ largeFont });
  },
});
