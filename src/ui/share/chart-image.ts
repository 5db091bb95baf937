/**
 * A chart on the page as a standalone picture: its SVG with the styles the page's CSS gives
 * it written onto each element (a saved SVG has no stylesheet), and that SVG drawn onto a
 * canvas for PNG, at twice the screen's resolution so it stays sharp on a slide.
 */

/** Properties that decide how a chart looks; everything else is left to SVG's defaults. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** The charts drawn in a card: the card's title and its first SVG surface. */
export interface ChartOnPage {
  id: string;
  title: string;
  svg: SVGSVGElement;
}

export function chartsOnPage(root: ParentNode = document): ChartOnPage[] {
  const out: ChartOnPage[] = [];
  root.querySelectorAll<HTMLElement>('section.card[data-testid]').forEach((card) => {
    const svg = card.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    const title = card.querySelector('h2')?.textContent?.trim() || card.dataset.testid!;
    out.push({ id: card.dataset.testid!, title, svg });
  });
  return out;
}

/** The SVG as a standalone file: size, namespace, a white background and inlined styles. */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [clone, ...clone.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    const target = to[i] as SVGElement;
    for (const p of STYLE_PROPS) {
      const v = style.getPropertyValue(p);
      if (v) target.style.setProperty(p, v);
    }
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

/** The SVG rendered to a PNG blob at `scale` times its size on screen. */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const { width, height } = svg.getBoundingClientRect();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
