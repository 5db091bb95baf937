/**
 * Publishes the sticky header's height as the CSS variable --header-h on <html>, so the
 * sticky side panels (parameter panel, Learn contents, experiment side) stick just below it.
 * The header wraps onto two or three rows depending on the width and on projector mode,
 * so no fixed value fits; a ResizeObserver follows it.
 */
import { useEffect, type RefObject } from 'react';

export function useHeaderHeight(header: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = header.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty('--header-h', `${el.getBoundingClientRect().height}px`);
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--header-h');
    };
  }, [header]);
}
