/**
 * A formula typeset by KaTeX. Only the lab's own constant TeX strings come here (never input
 * from a link or a user), so the rendered HTML is safe to insert.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useMemo } from 'react';

export function Formula({ tex, display = false }: { tex: string; display?: boolean }) {
  const html = useMemo(
    () => katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'htmlAndMathml' }),
    [tex, display],
  );
  const Tag = display ? 'div' : 'span';
  return <Tag className={display ? 'formula display' : 'formula'} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** Shorthand for inline math inside prose. */
export const M = ({ children }: { children: string }) => <Formula tex={children} />;
