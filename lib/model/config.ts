/**
 * VideoMAEConfig: HF's config.json for VideoMAE, parsed and written back in pure TypeScript.
 * Reads transformers 4.x files (`qkv_bias`, `torch_dtype`) and 5.x files (`qv_bias`, `dtype`);
 * writes JSON that both load (indent 2, sorted keys, `qkv_bias` and `qv_bias` both present,
 * `dtype`). Fields this package does not know are kept in `extra` and written back unchanged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';

export type ProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';

export interface VideoMAEConfig {
  imageSize: number | [number, number];
  patchSize: number | [number, number];
  numChannels: number;
  numFrames: number;
  tubeletSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  initializerRange: number;
  layerNormEps: number;
  /** q and v biases (4.x `qkv_bias`, 5.x `qv_bias`). */
  qkvBias: boolean;
  useMeanPooling: boolean;
  decoderNumAttentionHeads: number;
  decoderHiddenSize: number;
  decoderNumHiddenLayers: number;
  decoderIntermediateSize: number;
  normPixLoss: boolean;
  numLabels: number;
  id2label: Record<number, string>;
  label2id: Record<string, number>;
  problemType: ProblemType | null;
  architectures: string[] | null;
  /** Parameter dtype recorded in the file ("float32"). */
  dtype: string;
  /** Fields of the file this package does not interpret, written back on save. */
  extra: Record<string, unknown>;
}

/** snake_case file field ↔ config property, with the expected JSON type. */
const FIELDS: Array<[keyof VideoMAEConfig, string, 'int' | 'number' | 'bool' | 'string' | 'size']> = [
  ['imageSize', 'image_size', 'size'],
  ['patchSize', 'patch_size', 'size'],
  ['numChannels', 'num_channels', 'int'],
  ['numFrames', 'num_frames', 'int'],
  ['tubeletSize', 'tubelet_size', 'int'],
  ['hiddenSize', 'hidden_size', 'int'],
  ['numHiddenLayers', 'num_hidden_layers', 'int'],
  ['numAttentionHeads', 'num_attention_heads', 'int'],
  ['intermediateSize', 'intermediate_size', 'int'],
  ['hiddenAct', 'hidden_act', 'string'],
  ['hiddenDropoutProb', 'hidden_dropout_prob', 'number'],
  ['attentionProbsDropoutProb', 'attention_probs_dropout_prob', 'number'],
  ['initializerRange', 'initializer_range', 'number'],
  ['layerNormEps', 'layer_norm_eps', 'number'],
  ['useMeanPooling', 'use_mean_pooling', 'bool'],
  ['decoderNumAttentionHeads', 'decoder_num_attention_heads', 'int'],
  ['decoderHiddenSize', 'decoder_hidden_size', 'int'],
  ['decoderNumHiddenLayers', 'decoder_num_hidden_layers', 'int'],
  ['decoderIntermediateSize', 'decoder_intermediate_size', 'int'],
  ['normPixLoss', 'norm_pix_loss', 'bool'],
];

/** Keys handled explicitly (not kept in `extra`). */
const SPECIAL = new Set([
  'model_type',
  'qkv_bias',
  'qv_bias',
  'torch_dtype',
  'dtype',
  'id2label',
  'label2id',
  'num_labels',
  'problem_type',
  'architectures',
]);

const PROBLEM_TYPES: ProblemType[] = ['regression', 'single_label_classification', 'multi_label_classification'];

/** HF's VideoMAEConfig defaults (docs/hf-semantics.md § "Config: VideoMAEConfig fields and defaults"), 2 labels LABEL_0/LABEL_1. */
export function defaultConfig(overrides: Partial<VideoMAEConfig> = {}): VideoMAEConfig {
  const base: VideoMAEConfig = {
    imageSize: 224,
    patchSize: 16,
    numChannels: 3,
    numFrames: 16,
    tubeletSize: 2,
    hiddenSize: 768,
    numHiddenLayers: 12,
    numAttentionHeads: 12,
    intermediateSize: 3072,
    hiddenAct: 'gelu',
    hiddenDropoutProb: 0,
    attentionProbsDropoutProb: 0,
    initializerRange: 0.02,
    layerNormEps: 1e-12,
    qkvBias: true,
    useMeanPooling: true,
    decoderNumAttentionHeads: 6,
    decoderHiddenSize: 384,
    decoderNumHiddenLayers: 4,
    decoderIntermediateSize: 1536,
    normPixLoss: true,
    numLabels: 2,
    id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
    label2id: { LABEL_0: 0, LABEL_1: 1 },
    problemType: null,
    architectures: null,
    dtype: 'float32',
    extra: {},
  };
  const merged = { ...base, ...overrides, extra: { ...(overrides.extra ?? {}) } };
  if (overrides.id2label && overrides.numLabels === undefined) merged.numLabels = Object.keys(overrides.id2label).length;
  if (overrides.numLabels !== undefined && !overrides.id2label) merged.id2label = defaultId2label(overrides.numLabels);
  if (!overrides.label2id || overrides.id2label) merged.label2id = label2idOf(merged.id2label);
  validateConfig(merged);
  return merged;
}

export function defaultId2label(numLabels: number): Record<number, string> {
  const out: Record<number, string> = {};
  for (let i = 0; i < numLabels; i++) out[i] = `LABEL_${i}`;
  return out;
}

function label2idOf(id2label: Record<number, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, name] of Object.entries(id2label)) out[name] = Number(id);
  return out;
}

function configError(message: string): VideomaeError {
  return new VideomaeError(`config.json: ${message}`, 'ERR_VIDEOMAE_CHECKPOINT');
}

function readField(json: Record<string, unknown>, key: string, kind: string): unknown {
  const value = json[key];
  const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
  const ok =
    kind === 'int'
      ? isInt(value) && (value as number) >= 0
      : kind === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : kind === 'bool'
          ? typeof value === 'boolean'
          : kind === 'string'
            ? typeof value === 'string'
            : isInt(value) || (Array.isArray(value) && value.length === 2 && value.every(isInt));
  if (!ok)
    throw configError(
      `"${key}" must be ${kind === 'size' ? 'an integer or [height, width]' : `a${kind === 'int' ? 'n integer' : ` ${kind}`}`}, got ${JSON.stringify(value)}`,
    );
  return Array.isArray(value) ? [value[0], value[1]] : value;
}

function parseId2label(raw: unknown): Record<number, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError('"id2label" must be an object');
  const out: Record<number, string> = {};
  for (const [key, name] of Object.entries(raw as Record<string, unknown>)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || typeof name !== 'string')
      throw configError(`"id2label" entry ${JSON.stringify(key)} must map an integer id to a name`);
    out[id] = name;
  }
  const ids = Object.keys(out)
    .map(Number)
    .sort((a, b) => a - b);
  if (ids.some((id, i) => id !== i)) throw configError('"id2label" ids must be 0..n-1');
  return out;
}

/** Parses the JSON object of a config.json. Throws ERR_VIDEOMAE_CHECKPOINT on bad fields. */
export function parseConfig(json: unknown): VideoMAEConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw configError('must be a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.model_type !== undefined && raw.model_type !== 'videomae')
    throw configError(`model_type is ${JSON.stringify(raw.model_type)}, not "videomae"`);
  const config = defaultConfig();
  const known = new Set<string>(SPECIAL);
  for (const [prop, key, kind] of FIELDS) {
    known.add(key);
    if (raw[key] !== undefined && raw[key] !== null) (config as unknown as Record<string, unknown>)[prop] = readField(raw, key, kind);
  }
  // 5.x renamed qkv_bias to qv_bias and still accepts qkv_bias, which wins when both are given.
  for (const key of ['qv_bias', 'qkv_bias']) if (raw[key] !== undefined) config.qkvBias = readField(raw, key, 'bool') as boolean;
  const dtype = raw.dtype ?? raw.torch_dtype;
  if (typeof dtype === 'string') config.dtype = dtype;
  if (raw.id2label !== undefined) {
    config.id2label = parseId2label(raw.id2label);
    config.numLabels = Object.keys(config.id2label).length;
  } else if (raw.num_labels !== undefined) {
    config.numLabels = readField(raw, 'num_labels', 'int') as number;
    config.id2label = defaultId2label(config.numLabels);
  }
  config.label2id = label2idOf(config.id2label);
  if (raw.problem_type !== undefined && raw.problem_type !== null) {
    if (!PROBLEM_TYPES.includes(raw.problem_type as ProblemType))
      throw configError(`problem_type ${JSON.stringify(raw.problem_type)} is not one of ${PROBLEM_TYPES.join(', ')}`);
    config.problemType = raw.problem_type as ProblemType;
  }
  if (raw.architectures !== undefined && raw.architectures !== null) {
    if (!Array.isArray(raw.architectures) || !raw.architectures.every((a) => typeof a === 'string'))
      throw configError('"architectures" must be a list of names');
    config.architectures = raw.architectures as string[];
  }
  for (const [key, value] of Object.entries(raw)) if (!known.has(key)) config.extra[key] = value;
  validateConfig(config);
  return config;
}

function pair(size: number | [number, number]): [number, number] {
  return typeof size === 'number' ? [size, size] : size;
}

/** Throws ERR_VIDEOMAE_INVALID_ARG when the numbers cannot form a model. */
export function validateConfig(config: VideoMAEConfig): void {
  const fail = (message: string): never => {
    throw new VideomaeError(`VideoMAE config: ${message}`, 'ERR_VIDEOMAE_INVALID_ARG');
  };
  const [ih, iw] = pair(config.imageSize);
  const [ph, pw] = pair(config.patchSize);
  if (!(ph > 0 && pw > 0 && ih % ph === 0 && iw % pw === 0)) fail(`image_size ${ih}x${iw} must be a multiple of patch_size ${ph}x${pw}`);
  if (!(config.tubeletSize > 0 && config.numFrames % config.tubeletSize === 0))
    fail(`num_frames ${config.numFrames} must be a multiple of tubelet_size ${config.tubeletSize}`);
  if (!(config.numAttentionHeads > 0 && config.hiddenSize % config.numAttentionHeads === 0))
    fail(`hidden_size ${config.hiddenSize} must be a multiple of num_attention_heads ${config.numAttentionHeads}`);
  if (!(Number.isInteger(config.numLabels) && config.numLabels >= 0))
    fail(`num_labels must be a non-negative integer, got ${config.numLabels}`);
  if (Object.keys(config.id2label).length !== config.numLabels)
    fail(`id2label has ${Object.keys(config.id2label).length} entries but num_labels is ${config.numLabels}`);
}

/** Sets the label count (and names) like `from_pretrained(num_labels=…, id2label=…)`. */
export function withLabels(config: VideoMAEConfig, labels: { numLabels?: number; id2label?: Record<number, string> }): VideoMAEConfig {
  const id2label = labels.id2label
    ? parseId2label(labels.id2label)
    : labels.numLabels !== undefined
      ? defaultId2label(labels.numLabels)
      : config.id2label;
  const numLabels = Object.keys(id2label).length;
  if (labels.numLabels !== undefined && labels.numLabels !== numLabels)
    throw new VideomaeError(`numLabels ${labels.numLabels} does not match id2label with ${numLabels} entries`, 'ERR_VIDEOMAE_INVALID_ARG');
  return { ...config, id2label, numLabels, label2id: label2idOf(id2label) };
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The config as HF's JSON dict (snake_case, string id2label keys, unknown fields kept). */
export function configToJson(config: VideoMAEConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config.extra };
  for (const [prop, key] of FIELDS) out[key] = config[prop];
  out.model_type = 'videomae';
  out.qkv_bias = config.qkvBias;
  out.qv_bias = config.qkvBias;
  out.dtype = config.dtype;
  out.id2label = Object.fromEntries(Object.entries(config.id2label).map(([id, name]) => [String(id), name]));
  out.label2id = { ...config.label2id };
  if (config.problemType) out.problem_type = config.problemType;
  if (config.architectures) out.architectures = [...config.architectures];
  return out;
}

/** config.json text: indent 2, keys sorted at every level (like save_pretrained). */
export function serializeConfig(config: VideoMAEConfig): string {
  return `${JSON.stringify(sortKeysDeep(configToJson(config)), null, 2)}\n`;
}

/** Reads <dir>/config.json. Missing → ERR_VIDEOMAE_IO; malformed → ERR_VIDEOMAE_CHECKPOINT. */
export function loadConfig(dir: string): VideoMAEConfig {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new VideomaeError(`missing config.json in ${dir}: a HF model folder needs config.json next to its weights`, 'ERR_VIDEOMAE_IO');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VideomaeError(`${file}: invalid JSON (${(error as Error).message})`, 'ERR_VIDEOMAE_CHECKPOINT');
  }
  return parseConfig(json);
}

/** Writes config.json into `dir` (created if needed). */
export function saveConfig(dir: string, config: VideoMAEConfig): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), serializeConfig(config));
}

/** The numbers the native model needs. */
export function nativeModelConfig(config: VideoMAEConfig): Record<string, unknown> {
  const [imageHeight, imageWidth] = pair(config.imageSize);
  const [patchHeight, patchWidth] = pair(config.patchSize);
  return {
    imageHeight,
    imageWidth,
    patchHeight,
    patchWidth,
    numChannels: config.numChannels,
    numFrames: config.numFrames,
    tubeletSize: config.tubeletSize,
    hiddenSize: config.hiddenSize,
    numHiddenLayers: config.numHiddenLayers,
    numAttentionHeads: config.numAttentionHeads,
    intermediateSize: config.intermediateSize,
    numLabels: config.numLabels,
    hiddenAct: config.hiddenAct,
    hiddenDropoutProb: config.hiddenDropoutProb,
    attentionProbsDropoutProb: config.attentionProbsDropoutProb,
    initializerRange: config.initializerRange,
    layerNormEps: config.layerNormEps,
    qkvBias: config.qkvBias,
    useMeanPooling: config.useMeanPooling,
    problemType: config.problemType ?? '',
    decoderHiddenSize: config.decoderHiddenSize,
    decoderNumHiddenLayers: config.decoderNumHiddenLayers,
    decoderNumAttentionHeads: config.decoderNumAttentionHeads,
    decoderIntermediateSize: config.decoderIntermediateSize,
    normPixLoss: config.normPixLoss,
  };
}

/** (height, width) of the model input. */
export function imageSizeOf(config: VideoMAEConfig): [number, number] {
  return pair(config.imageSize);
}

/** (height, width) of a patch. */
export function patchSizeOf(config: VideoMAEConfig): [number, number] {
  return pair(config.patchSize);
}

/** Serialises any JSON object like save_pretrained does (indent 2, sorted keys). */
export function serializeJsonSorted(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}
