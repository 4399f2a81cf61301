/**
 * HF `preprocessor_config.json` of a VideoMAE checkpoint → the settings of our native processor.
 * Reads the same keys HF's VideoMAEImageProcessor does, including the legacy forms (`size: 224`,
 * `crop_size: 224`) that old hub files use; class defaults fill what a file leaves out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';

export interface ImageProcessorConfig {
  doResize: boolean;
  /** Resize so the shorter side has this many pixels (long side int(s·long/short)). */
  shortestEdge: number;
  doCenterCrop: boolean;
  cropHeight: number;
  cropWidth: number;
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  mean: [number, number, number];
  std: [number, number, number];
}

/** HF's VideoMAEImageProcessor class defaults (note mean/std 0.5: hub files override them). */
export const DEFAULT_PROCESSOR_CONFIG: ImageProcessorConfig = {
  doResize: true,
  shortestEdge: 224,
  doCenterCrop: true,
  cropHeight: 224,
  cropWidth: 224,
  doRescale: true,
  rescaleFactor: 1 / 255,
  doNormalize: true,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};

const PIL_BILINEAR = 2;

type Json = Record<string, unknown>;

function bad(file: string, message: string): VideomaeError {
  return new VideomaeError(`${file}: ${message}`, 'ERR_VIDEOMAE_CHECKPOINT');
}

function positiveInt(value: unknown, file: string, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw bad(file, `${key} must be a positive integer`);
  return value;
}

function shortestEdgeOf(size: unknown, file: string): number {
  if (typeof size === 'number') return positiveInt(size, file, 'size');
  const dict = (size ?? {}) as Json;
  if (dict.shortest_edge !== undefined) return positiveInt(dict.shortest_edge, file, 'size.shortest_edge');
  throw new VideomaeError(
    `${file}: size ${JSON.stringify(size)} is not supported (only { shortest_edge } resizing, as VideoMAE uses)`,
    'ERR_VIDEOMAE_UNSUPPORTED',
  );
}

function cropOf(crop: unknown, file: string): [number, number] {
  if (typeof crop === 'number') return [positiveInt(crop, file, 'crop_size'), crop];
  const dict = (crop ?? {}) as Json;
  return [positiveInt(dict.height, file, 'crop_size.height'), positiveInt(dict.width, file, 'crop_size.width')];
}

function tripleOf(value: unknown, fallback: [number, number, number], file: string, key: string): [number, number, number] {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return [value, value, value];
  if (!Array.isArray(value) || value.length !== 3 || value.some((v) => typeof v !== 'number')) throw bad(file, `${key} must be 3 numbers`);
  return [value[0], value[1], value[2]];
}

/** Settings from a parsed preprocessor_config.json object (`file` names it in errors). */
export function processorConfigFromJson(json: Json, file = 'preprocessor_config.json'): ImageProcessorConfig {
  const d = DEFAULT_PROCESSOR_CONFIG;
  if (json.resample !== undefined && json.resample !== PIL_BILINEAR) {
    throw new VideomaeError(`${file}: resample ${String(json.resample)} is not supported (only 2 = BILINEAR)`, 'ERR_VIDEOMAE_UNSUPPORTED');
  }
  const [cropHeight, cropWidth] = json.crop_size === undefined ? [d.cropHeight, d.cropWidth] : cropOf(json.crop_size, file);
  return {
    doResize: json.do_resize === undefined ? d.doResize : Boolean(json.do_resize),
    shortestEdge: json.size === undefined ? d.shortestEdge : shortestEdgeOf(json.size, file),
    doCenterCrop: json.do_center_crop === undefined ? d.doCenterCrop : Boolean(json.do_center_crop),
    cropHeight,
    cropWidth,
    doRescale: json.do_rescale === undefined ? d.doRescale : Boolean(json.do_rescale),
    rescaleFactor: typeof json.rescale_factor === 'number' ? json.rescale_factor : d.rescaleFactor,
    doNormalize: json.do_normalize === undefined ? d.doNormalize : Boolean(json.do_normalize),
    mean: tripleOf(json.image_mean, d.mean, file, 'image_mean'),
    std: tripleOf(json.image_std, d.std, file, 'image_std'),
  };
}

/**
 * The processor settings of a checkpoint folder. Without a preprocessor_config.json, VideoMAE's
 * usual settings for the model's image size: short side = crop = image_size, ImageNet mean/std
 * (what every VideoMAE hub checkpoint stores).
 */
export function loadProcessorConfig(dir: string, imageSize?: number): ImageProcessorConfig {
  const file = path.join(dir, 'preprocessor_config.json');
  if (!fs.existsSync(file)) {
    const size = imageSize ?? DEFAULT_PROCESSOR_CONFIG.shortestEdge;
    return {
      ...DEFAULT_PROCESSOR_CONFIG,
      shortestEdge: size,
      cropHeight: size,
      cropWidth: size,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    };
  }
  let json: Json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new VideomaeError(`${file}: not valid JSON (${(error as Error).message})`, 'ERR_VIDEOMAE_CHECKPOINT', { cause: error });
  }
  return processorConfigFromJson(json, file);
}
