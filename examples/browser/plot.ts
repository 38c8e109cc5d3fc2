// The page's charts as SVG text (no inline styles or scripts, so a strict CSP allows them): the
// loss curve on a log axis, the data with the fitted line (the tutorial's scatter plot), and the
// classifier's decision regions under its training points.
import { niceTicks, scatterSvg } from '../svg_plot.js';
import type { VisitsData } from './data.js';

/** The loss against the step, log10 axis (powers of ten labelled), as one polyline. */
export function lossSvg(title: string, steps: readonly number[], losses: readonly number[]): string {
  const W = 420, H = 260, m = { l: 60, r: 16, t: 30, b: 36 };
  const logs = losses.map((v) => Math.log10(Math.max(v, 1e-30)));
  const lo = logs.length ? Math.floor(Math.min(...logs)) : 0;
  const hi = Math.max(logs.length ? Math.ceil(Math.max(...logs)) : 0, lo + 1);
  const last = Math.max(steps[steps.length - 1] ?? 1, 1);
  const sx = (s: number) => m.l + (s / last) * (W - m.l - m.r);
  const sy = (e: number) => H - m.b - ((e - lo) / (hi - lo)) * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`];
  for (let e = lo; e <= hi; e++) {
    out.push(`<line x1="${m.l}" y1="${sy(e).toFixed(1)}" x2="${W - m.r}" y2="${sy(e).toFixed(1)}" stroke="#e4e4e4"/>`,
      `<text x="${m.l - 6}" y="${(sy(e) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
  }
  for (const t of niceTicks(0, last, 5)) out.push(`<text x="${sx(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">step</text>`);
  const pts = steps.map((s, i) => `${sx(s).toFixed(1)},${sy(logs[i]).toFixed(1)}`).join(' ');
  out.push(`<polyline class="loss" points="${pts}" fill="none" stroke="#e8710a" stroke-width="2"/>`, '</svg>');
  return out.join('\n');
}

/** The first 200 samples in degrees with the line visits = b + m·(t − mean)/std. */
export function fitSvg(data: VisitsData, m: number, b: number): string {
  const temps = data.temps.slice(0, 200), visits = data.visits.slice(0, 200);
  const [t0, t1] = [Math.min(...temps), Math.max(...temps)];
  const fit = (t: number) => b + (m * (t - data.mean)) / data.std;
  const slope = m / data.std, intercept = b - (m * data.mean) / data.std;
  const label = `visits = ${intercept.toFixed(1)} ${slope < 0 ? '-' : '+'} ${Math.abs(slope).toFixed(2)}·temperature`;
  return scatterSvg({
    xs: temps, ys: visits, lines: [{ from: [t0, fit(t0)], to: [t1, fit(t1)], label }],
    title: 'Hospital visits vs temperature', xLabel: 'temperature (°F)', yLabel: 'visits', width: 420, height: 300,
  });
}

const FILLS = ['#fbd3b0', '#c6dcfa', '#c9ecd0'], DOTS = ['#e8710a', '#1a73e8', '#188038'];

/**
 * `regions[r·grid + c]`: the class of the grid cell r (from the top), c (from the left) over
 * [−1, 1]²; `points` [n, 2] drawn over it in the colour of their class.
 */
export function regionsSvg(regions: readonly number[], grid: number, points: ArrayLike<number>, classes: readonly number[]): string {
  const S = 300, cell = S / grid;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}" shape-rendering="crispEdges">`];
  regions.forEach((k, i) => {
    const r = Math.floor(i / grid), c = i % grid;
    out.push(`<rect class="region" x="${(c * cell).toFixed(1)}" y="${(r * cell).toFixed(1)}" width="${cell.toFixed(1)}" height="${cell.toFixed(1)}" fill="${FILLS[k % 3]}"/>`);
  });
  classes.forEach((k, i) => {
    const x = ((points[2 * i] + 1) / 2) * S, y = ((1 - points[2 * i + 1]) / 2) * S;
    out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2.5" fill="${DOTS[k % 3]}"/>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
