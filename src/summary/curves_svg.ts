// The scalar curves of a log directory as one SVG, for people without TensorBoard: a panel
// per tag (its runs as coloured lines), axes with 1-2-5 ticks, optional TensorBoard-style
// smoothing. Deterministic text (same series, same bytes).
import { InvalidArgumentError } from '../errors.js';
import { readScalars, type ScalarSeries } from './event_file.js';

export interface CurvesOptions {
  /** TensorBoard's smoothing weight in [0, 1): a debiased moving average; the raw curve stays, faint. */
  smoothing?: number;
  /** Panels per row; default 2 (1 for a single tag). */
  columns?: number;
  title?: string;
  panelWidth?: number;
  panelHeight?: number;
  /** 'log' plots values on a log10 axis (values <= 0 are left out), as TensorBoard's toggle. */
  yScale?: 'linear' | 'log';
}

const COLORS = ['#e8710a', '#1a73e8', '#12b5cb', '#e52592', '#9334e6', '#7cb342', '#f9ab00', '#5f6368'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const px = (v: number) => String(Math.round(v * 10) / 10);

/** Ticks covering [lo, hi] in steps of 1, 2 or 5 times a power of ten. */
function ticks(lo: number, hi: number, target: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw * (1 - 1e-9))!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Ticks of a log10 axis spanning [lo, hi] (exponents): powers of ten, with 2 and 5 between when few. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const mults = hi - lo <= 2 ? [1, 2, 5] : [1];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const m of mults) {
      const e = Math.log10(m * 10 ** k);
      if (e >= lo - 1e-9 && e <= hi + 1e-9) out.push(e);
    }
  }
  return out.length >= 2 ? out : ticks(lo, hi, 4);
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** TensorBoard's smoothing: an exponential moving average, debiased for the first points. */
export function smooth(values: readonly number[], weight: number): number[] {
  let last = 0, n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

function extent(xs: number[]): [number, number] {
  const finite = xs.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  return [lo, hi];
}

/** The path of one curve; non-finite values break it. */
function pathOf(steps: readonly number[], values: readonly number[], sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '', pen = false;
  steps.forEach((s, i) => {
    const v = values[i];
    if (!Number.isFinite(v)) { pen = false; return; }
    d += `${pen ? 'L' : 'M'}${px(sx(s))} ${px(sy(v))}`;
    pen = true;
  });
  return d;
}

/** One SVG document with a panel per tag of `series`. */
export function scalarCurvesSvg(series: readonly ScalarSeries[], opts: CurvesOptions = {}): string {
  const smoothing = opts.smoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new InvalidArgumentError(`smoothing must be in [0, 1), got ${smoothing}.`);
  const log = opts.yScale === 'log';
  if (opts.yScale !== undefined && opts.yScale !== 'linear' && !log) throw new InvalidArgumentError(`yScale must be 'linear' or 'log', got ${String(opts.yScale)}.`);
  // why: on a log axis each value is plotted as its exponent; non-positive values have none.
  const toAxis = (vs: readonly number[]) => (log ? vs.map((v) => (v > 0 ? Math.log10(v) : NaN)) : [...vs]);
  const tags = [...new Set(series.map((s) => s.tag))].sort();
  const runs = [...new Set(series.map((s) => s.run))].sort();
  const W = opts.panelWidth ?? 460, H = opts.panelHeight ?? 300;
  const cols = Math.max(1, Math.min(opts.columns ?? 2, tags.length || 1));
  const rows = Math.max(1, Math.ceil(tags.length / cols));
  const top = opts.title ? 36 : 8, legend = runs.length > 1 ? 24 : 0;
  const width = cols * W, height = top + legend + rows * H;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`];
  if (opts.title) out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${esc(opts.title)}</text>`);
  if (!tags.length) out.push(`<text x="${width / 2}" y="${top + H / 2}" text-anchor="middle" fill="#888">no scalar summaries</text>`);
  runs.forEach((run, i) => {
    if (!legend) return;
    const x = 12 + i * 150;
    out.push(`<rect x="${x}" y="${top + 6}" width="14" height="3" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 20}" y="${top + 11}">${esc(run)}</text>`);
  });
  tags.forEach((tag, k) => {
    const ox = (k % cols) * W, oy = top + legend + Math.floor(k / cols) * H;
    const m = { l: 62, r: 16, t: 26, b: 36 };
    const mine = series.filter((s) => s.tag === tag);
    const [x0, x1] = extent(mine.flatMap((s) => s.steps));
    const [y0, y1] = extent(mine.flatMap((s) => toAxis(s.values)));
    const sx = (x: number) => ox + m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
    const sy = (y: number) => oy + H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
    out.push(`<g class="panel">`, `<text x="${ox + m.l}" y="${oy + 17}" font-size="13" font-weight="bold">${esc(tag)}</text>`);
    out.push(`<rect x="${ox + m.l}" y="${oy + m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#ccc"/>`);
    for (const t of ticks(x0, x1, 5)) {
      out.push(`<line x1="${px(sx(t))}" y1="${oy + m.t}" x2="${px(sx(t))}" y2="${oy + H - m.b}" stroke="#eee"/>`,
        `<text x="${px(sx(t))}" y="${oy + H - m.b + 14}" text-anchor="middle">${tickLabel(t)}</text>`);
    }
    for (const t of log ? logTicks(y0, y1) : ticks(y0, y1, 5)) {
      out.push(`<line x1="${ox + m.l}" y1="${px(sy(t))}" x2="${ox + W - m.r}" y2="${px(sy(t))}" stroke="#eee"/>`,
        `<text x="${ox + m.l - 6}" y="${px(sy(t) + 4)}" text-anchor="end">${tickLabel(log ? Number((10 ** t).toPrecision(6)) : t)}</text>`);
    }
    out.push(`<text x="${ox + (W + m.l - m.r) / 2}" y="${oy + H - 6}" text-anchor="middle" fill="#555">step</text>`);
    for (const s of mine) {
      const color = COLORS[runs.indexOf(s.run) % COLORS.length];
      if (smoothing > 0) {
        out.push(`<path d="${pathOf(s.steps, toAxis(s.values), sx, sy)}" fill="none" stroke="${color}" stroke-opacity="0.3" stroke-width="1"/>`);
        out.push(`<path d="${pathOf(s.steps, toAxis(smooth(s.values, smoothing)), sx, sy)}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
      } else out.push(`<path d="${pathOf(s.steps, toAxis(s.values), sx, sy)}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
      const first = toAxis(s.values.slice(0, 1))[0];
      if (s.steps.length === 1 && Number.isFinite(first)) out.push(`<circle cx="${px(sx(s.steps[0]))}" cy="${px(sy(first))}" r="3" fill="${color}"/>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The scalar curves of every run under `logdir` as SVG text (what `tfgen board <logdir> --svg` writes). */
export function logdirCurvesSvg(logdir: string, opts: CurvesOptions = {}): string {
  return scalarCurvesSvg(readScalars(logdir), { title: opts.title ?? logdir, ...opts });
}
