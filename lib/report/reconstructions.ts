/**
 * The pictures of a pre-training report: for each clip, the input frames, the frames with the
 * masked patches greyed out, and the reconstruction (original pixels on the visible patches, the
 * model's predictions on the masked ones), one frame per temporal slot, as PNGs.
 *
 * Token and value order follow Hugging Face's VideoMAEForPreTraining: token =
 * slot·(rows·cols) + row·cols + col; a token's P = t·ph·pw·C values are ordered (dt, dy, dx, c)
 * with c fastest; `logits` holds one row per masked token, in token order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidArg } from '../errors';
import { encodePng } from './png';
import { escapeHtml } from './svg';

export interface ClipGeometry {
  numFrames: number;
  channels: number;
  height: number;
  width: number;
  tubelet: number;
  patchHeight: number;
  patchWidth: number;
}

export interface ReconstructionClip {
  /** (T, C, H, W), normalised with `mean`/`std`, one clip. */
  pixelValues: Float32Array;
  /** (N) tokens, 1 = masked. */
  mask: Uint8Array;
  /** (M, P) predictions for the M masked tokens, in token order. */
  logits: Float32Array;
  geometry: ClipGeometry;
  /** Whether the model was trained on per-patch normalised targets (config.norm_pix_loss). */
  normPixLoss: boolean;
  mean?: [number, number, number];
  std?: [number, number, number];
}

/** RGB bytes (height × width × 3) of each shown frame, one per temporal slot. */
export interface ReconstructionFrames {
  original: Uint8Array[];
  masked: Uint8Array[];
  reconstruction: Uint8Array[];
  width: number;
  height: number;
}

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
export const RECONSTRUCTIONS_DIR = 'reconstructions';

// What VideoMAE adds to the per-patch standard deviation of its norm_pix_loss targets.
const NORM_PIX_EPS = 1e-6;
const MASKED_GREY = 128;
// Small frames are scaled up (pixelated) to at least about this many CSS pixels on the page.
const MIN_DISPLAY_SIZE = 128;

/** The geometry with the derived token grid. */
interface Layout extends ClipGeometry {
  slots: number;
  rows: number;
  cols: number;
  numTokens: number;
  tokenValues: number;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 1)) throw invalidArg(name, 'a positive integer', value);
}

function checkDivides(name: string, whole: number, part: number, partName: string): void {
  if (whole % part !== 0) throw invalidArg(name, `a multiple of ${partName} (${part})`, whole);
}

function layoutOf(geometry: ClipGeometry): Layout {
  if (typeof geometry !== 'object' || geometry === null) throw invalidArg('geometry', 'an object', geometry);
  for (const key of ['numFrames', 'channels', 'height', 'width', 'tubelet', 'patchHeight', 'patchWidth'] as const)
    checkPositiveInteger(`geometry.${key}`, geometry[key]);
  // The frames are shown as RGB and mean/std have three entries.
  if (geometry.channels !== 3) throw invalidArg('geometry.channels', '3 (RGB)', geometry.channels);
  checkDivides('geometry.numFrames', geometry.numFrames, geometry.tubelet, 'geometry.tubelet');
  checkDivides('geometry.height', geometry.height, geometry.patchHeight, 'geometry.patchHeight');
  checkDivides('geometry.width', geometry.width, geometry.patchWidth, 'geometry.patchWidth');
  const slots = geometry.numFrames / geometry.tubelet;
  const rows = geometry.height / geometry.patchHeight;
  const cols = geometry.width / geometry.patchWidth;
  const tokenValues = geometry.tubelet * geometry.patchHeight * geometry.patchWidth * geometry.channels;
  return { ...geometry, slots, rows, cols, numTokens: slots * rows * cols, tokenValues };
}

function isTypedArray(value: unknown, type: 'Float32Array' | 'Uint8Array'): boolean {
  // The tag, not instanceof: arrays from another realm (jest, Electron) are as good.
  return Object.prototype.toString.call(value) === `[object ${type}]`;
}

function checkStatistic(name: string, value: unknown, positive: boolean): [number, number, number] {
  const ok =
    Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0));
  if (!ok) throw invalidArg(name, positive ? 'three positive finite numbers' : 'three finite numbers', value);
  return value as [number, number, number];
}

/** The masked token indices in token order (the order of the rows of `logits`). */
function maskedTokens(mask: Uint8Array): number[] {
  const masked: number[] = [];
  for (let token = 0; token < mask.length; token++) {
    if (mask[token] > 1) throw invalidArg(`mask[${token}]`, '0 (visible) or 1 (masked)', mask[token]);
    if (mask[token] === 1) masked.push(token);
  }
  return masked;
}

/** Validates the clip against its geometry; returns the masked token indices in token order. */
function checkClip(clip: ReconstructionClip, layout: Layout): number[] {
  const { numFrames: T, channels: C, height: H, width: W, numTokens: N, tokenValues: P } = layout;
  if (!isTypedArray(clip.pixelValues, 'Float32Array')) throw invalidArg('pixelValues', 'a Float32Array', clip.pixelValues);
  if (clip.pixelValues.length !== T * C * H * W)
    throw invalidArg('pixelValues.length', `${T * C * H * W} values (T=${T} × C=${C} × H=${H} × W=${W})`, clip.pixelValues.length);
  if (!isTypedArray(clip.mask, 'Uint8Array')) throw invalidArg('mask', 'a Uint8Array', clip.mask);
  if (clip.mask.length !== N)
    throw invalidArg('mask.length', `${N} tokens (${layout.slots} slots × ${layout.rows} × ${layout.cols})`, clip.mask.length);
  const masked = maskedTokens(clip.mask);
  if (!isTypedArray(clip.logits, 'Float32Array')) throw invalidArg('logits', 'a Float32Array', clip.logits);
  if (clip.logits.length !== masked.length * P)
    throw invalidArg(
      'logits.length',
      `${masked.length * P} values (${masked.length} masked tokens × ${P} values per token)`,
      clip.logits.length,
    );
  if (typeof clip.normPixLoss !== 'boolean') throw invalidArg('normPixLoss', 'a boolean', clip.normPixLoss);
  // An unbiased standard deviation needs at least two values per token and channel.
  if (clip.normPixLoss && P / C < 2)
    throw invalidArg('tubelet × patchHeight × patchWidth', 'at least 2 pixels per token and channel with normPixLoss', P / C);
  return masked;
}

/** Index into a (T, C, H, W) array. */
function pixelIndex(layout: Layout, frame: number, c: number, y: number, x: number): number {
  return ((frame * layout.channels + c) * layout.height + y) * layout.width + x;
}

/**
 * Calls `visit` for each of a token's P values in (dt, dy, dx, c) order with the value's index
 * inside the token and its pixel's index in the (T, C, H, W) clip — the one place the token
 * layout is spelled out.
 */
function forEachTokenValue(layout: Layout, token: number, visit: (valueIndex: number, pixel: number, c: number) => void): void {
  const { tubelet, patchHeight: ph, patchWidth: pw, channels: C, rows, cols } = layout;
  const slot = Math.floor(token / (rows * cols));
  const row = Math.floor(token / cols) % rows;
  const col = token % cols;
  let valueIndex = 0;
  for (let dt = 0; dt < tubelet; dt++)
    for (let dy = 0; dy < ph; dy++)
      for (let dx = 0; dx < pw; dx++)
        for (let c = 0; c < C; c++) visit(valueIndex++, pixelIndex(layout, slot * tubelet + dt, c, row * ph + dy, col * pw + dx), c);
}

/** The clip in [0, 1] pixel units: v·std + mean per channel. */
function unnormalise(pixelValues: Float32Array, layout: Layout, mean: number[], std: number[]): Float64Array {
  const pixels = new Float64Array(pixelValues.length);
  const plane = layout.height * layout.width;
  for (let i = 0; i < pixelValues.length; i++) {
    const c = Math.floor(i / plane) % layout.channels;
    pixels[i] = pixelValues[i] * std[c] + mean[c];
  }
  return pixels;
}

/** Per channel mean and unbiased standard deviation of one token's pixels (as norm_pix_loss uses). */
function tokenStatistics(pixels: Float64Array, layout: Layout, token: number): { mean: number[]; std: number[] } {
  const C = layout.channels;
  const count = layout.tokenValues / C;
  const sum = new Array<number>(C).fill(0);
  forEachTokenValue(layout, token, (_, pixel, c) => (sum[c] += pixels[pixel]));
  const mean = sum.map((s) => s / count);
  const squares = new Array<number>(C).fill(0);
  forEachTokenValue(layout, token, (_, pixel, c) => (squares[c] += (pixels[pixel] - mean[c]) ** 2));
  return { mean, std: squares.map((s) => Math.sqrt(s / (count - 1))) };
}

/** The original pixels with each masked token replaced by its prediction, in pixel units. */
function reconstructPixels(clip: ReconstructionClip, layout: Layout, pixels: Float64Array, masked: number[]): Float64Array {
  const out = Float64Array.from(pixels);
  masked.forEach((token, row) => {
    const base = row * layout.tokenValues;
    // norm_pix_loss predictions are per-patch z-scores: undo them with the original patch's statistics.
    const stats = clip.normPixLoss ? tokenStatistics(pixels, layout, token) : null;
    forEachTokenValue(layout, token, (valueIndex, pixel, c) => {
      const prediction = clip.logits[base + valueIndex];
      out[pixel] = stats ? prediction * (stats.std[c] + NORM_PIX_EPS) + stats.mean[c] : prediction;
    });
  });
  return out;
}

function toByte(value: number): number {
  // A diverged model can predict NaN; show it as black rather than fail the report.
  if (Number.isNaN(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}

/** One frame of a (T, C, H, W) pixel array as RGB bytes; pixels for which `hide` is true are grey. */
function frameRgb(pixels: Float64Array, layout: Layout, frame: number, hide?: (y: number, x: number) => boolean): Uint8Array {
  const { height: H, width: W } = layout;
  const rgb = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++)
        rgb[(y * W + x) * 3 + c] = hide?.(y, x) ? MASKED_GREY : toByte(pixels[pixelIndex(layout, frame, c, y, x)]);
  return rgb;
}

/** One frame per temporal slot (its first frame): original, masked (masked patches drawn mid-grey 128), reconstruction. */
export function reconstructClip(clip: ReconstructionClip): ReconstructionFrames {
  if (typeof clip !== 'object' || clip === null) throw invalidArg('clip', 'an object', clip);
  const layout = layoutOf(clip.geometry);
  const masked = checkClip(clip, layout);
  const mean = checkStatistic('mean', clip.mean ?? IMAGENET_MEAN, false);
  const std = checkStatistic('std', clip.std ?? IMAGENET_STD, true);
  const pixels = unnormalise(clip.pixelValues, layout, mean, std);
  const reconstructed = reconstructPixels(clip, layout, pixels, masked);
  const frames: ReconstructionFrames = { original: [], masked: [], reconstruction: [], width: layout.width, height: layout.height };
  for (let slot = 0; slot < layout.slots; slot++) {
    const tokenAt = (y: number, x: number): number =>
      (slot * layout.rows + Math.floor(y / layout.patchHeight)) * layout.cols + Math.floor(x / layout.patchWidth);
    const frame = slot * layout.tubelet;
    frames.original.push(frameRgb(pixels, layout, frame));
    frames.masked.push(frameRgb(pixels, layout, frame, (y, x) => clip.mask[tokenAt(y, x)] === 1));
    frames.reconstruction.push(frameRgb(reconstructed, layout, frame));
  }
  return frames;
}

const STRIPS = [
  { key: 'original', label: 'Input' },
  { key: 'masked', label: 'Masked input' },
  { key: 'reconstruction', label: 'Reconstruction' },
] as const;

function imageTag(png: Buffer, width: number, height: number, alt: string): string {
  const scale = Math.max(1, Math.ceil(MIN_DISPLAY_SIZE / Math.max(width, height)));
  return `<img src="data:image/png;base64,${png.toString('base64')}" width="${width * scale}" height="${height * scale}" alt="${escapeHtml(alt)}" style="image-rendering:pixelated">`;
}

/** Writes one clip's PNGs and returns its row of the fragment. */
function writeClipFigures(folder: string, index: number, frames: ReconstructionFrames): string {
  const strips = STRIPS.map(({ key, label }) => {
    const images = frames[key].map((rgb, slot) => {
      const png = encodePng(frames.width, frames.height, rgb);
      fs.writeFileSync(path.join(folder, `clip-${index}-${key}-slot-${slot}.png`), png);
      return imageTag(png, frames.width, frames.height, `clip ${index}, ${label.toLowerCase()}, slot ${slot}`);
    });
    return `<figure style="margin:4px 0"><figcaption>${escapeHtml(label)}</figcaption><div style="display:flex;flex-wrap:wrap;gap:2px">${images.join('')}</div></figure>`;
  });
  return `<div class="clip"><h3>${escapeHtml(`Clip ${index}`)}</h3>\n${strips.join('\n')}\n</div>`;
}

/**
 * Writes <dir>/reconstructions/clip-<i>-{original,masked,reconstruction}-slot-<s>.png (i from 0,
 * in the order given) and returns a self-contained HTML fragment showing them (data: URIs).
 */
export function writeReconstructionFigures(dir: string, clips: ReconstructionClip[]): string {
  if (typeof dir !== 'string' || dir === '') throw invalidArg('dir', 'a folder path', dir);
  if (!Array.isArray(clips)) throw invalidArg('clips', 'an array of clips', clips);
  // Every clip is checked before anything is written, so a bad clip leaves no partial figures.
  const frames = clips.map((clip) => reconstructClip(clip));
  const folder = path.join(dir, RECONSTRUCTIONS_DIR);
  fs.mkdirSync(folder, { recursive: true });
  const rows = frames.map((f, i) => writeClipFigures(folder, i, f));
  const intro =
    '<p>One frame per temporal slot (its first frame). Masked patches are grey; the reconstruction shows the input on visible patches and the prediction on masked ones.</p>';
  return `<section class="reconstructions">\n<h2>Reconstructions</h2>\n${intro}\n${rows.length ? rows.join('\n') : '<p>No clips.</p>'}\n</section>`;
}
