/** View slice: display preferences, kept across visits. */
import type { Slice } from '../store';

export interface ViewSlice {
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
