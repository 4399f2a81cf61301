/**
 * Tiny inline-SVG charts for the HTML report (no scripts, no network): a line chart with axes and
 * a confusion-matrix heat map with class names.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

function niceNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs < 1e-3 || abs >= 1e4 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

/** A line chart of one or more series over a shared x axis. */
export function lineChart(title: string, xLabel: string, series: Series[], width = 560, height = 260): string {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`;
  const titleText = `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`;
  if (!pts.length)
    return `${head}${titleText}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="12" fill="#888">no data</text></svg>`;
  const m = { left: 60, right: 16, top: 28, bottom: 40 };
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
  const sx = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const sy = (y: number): number => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const parts: string[] = [head, titleText];
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    const x = x0 + ((x1 - x0) * i) / 4;
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" font-size="10">${niceNumber(y)}</text>`);
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${height - m.bottom + 14}" text-anchor="middle" font-size="10">${niceNumber(x)}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#333"/>`);
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle" font-size="11">${escapeHtml(xLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const valid = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (!valid.length) return;
    const d = valid.map(([x, y], j) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    if (valid.length < 40)
      for (const [x, y] of valid) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    parts.push(`<rect x="${m.left + 8 + i * 130}" y="${m.top + 2}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${m.left + 22 + i * 130}" y="${m.top + 11}" font-size="11">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Confusion matrix (rows = true class, columns = predicted) shaded by row-normalised counts. */
export function confusionMatrixSvg(matrix: number[][], classNames: string[]): string {
  const n = matrix.length;
  const cell = n > 20 ? 16 : 34;
  const label = Math.min(160, 8 + 7 * Math.max(4, ...classNames.map((c) => c.length)));
  const width = label + n * cell + 10;
  const height = label + n * cell + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="confusion matrix">`,
  ];
  for (let t = 0; t < n; t++) {
    const rowSum = matrix[t].reduce((a, b) => a + b, 0) || 1;
    const name = escapeHtml(classNames[t] ?? String(t));
    parts.push(`<text x="${label - 4}" y="${label + t * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${name}</text>`);
    parts.push(`<text transform="translate(${label + t * cell + cell / 2 + 4},${label - 4}) rotate(-60)" font-size="11">${name}</text>`);
    for (let p = 0; p < n; p++) {
      const share = matrix[t][p] / rowSum;
      const fill =
        t === p ? `rgba(34,139,34,${(0.1 + 0.9 * share).toFixed(3)})` : `rgba(200,40,40,${(share ? 0.1 + 0.9 * share : 0).toFixed(3)})`;
      parts.push(
        `<rect x="${label + p * cell}" y="${label + t * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"><title>true ${name}, predicted ${escapeHtml(classNames[p] ?? String(p))}: ${matrix[t][p]}</title></rect>`,
      );
      if (cell >= 30)
        parts.push(
          `<text x="${label + p * cell + cell / 2}" y="${label + t * cell + cell / 2 + 4}" text-anchor="middle" font-size="11">${matrix[t][p]}</text>`,
        );
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
