/**
 * Built-in VideoMAE shapes for `videomae train --config NAME` (training from scratch):
 * `tiny` and `small` are sized for CPU training on ~112 px synthetic videos (2 cores, minutes);
 * `base` is the MCG-NJU/videomae-base shape (224 px, 16 frames, 12 × 768).
 */
import { invalidArg } from '../errors';

export interface ModelPreset {
  description: string;
  /** HF VideoMAEConfig fields (config.json names). */
  config: Record<string, unknown>;
  /** HF VideoMAEImageProcessor fields (preprocessor_config.json names). */
  preprocessor: Record<string, unknown>;
}

/** HF VideoMAEImageProcessor settings for a model of this image size (ImageNet mean/std, as the hub files have). */
export function defaultPreprocessorConfig(size: number): Record<string, unknown> {
  return {
    crop_size: { height: size, width: size },
    do_center_crop: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.485, 0.456, 0.406],
    image_processor_type: 'VideoMAEImageProcessor',
    image_std: [0.229, 0.224, 0.225],
    resample: 2,
    rescale_factor: 1 / 255,
    size: { shortest_edge: size },
  };
}

function config(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    architectures: ['VideoMAEForVideoClassification'],
    model_type: 'videomae',
    patch_size: 16,
    num_channels: 3,
    tubelet_size: 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.0,
    attention_probs_dropout_prob: 0.0,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    qkv_bias: true,
    use_mean_pooling: true,
    decoder_num_attention_heads: 6,
    decoder_hidden_size: 384,
    decoder_num_hidden_layers: 4,
    decoder_intermediate_size: 1536,
    norm_pix_loss: true,
    ...fields,
  };
}

export const MODEL_PRESETS: Record<string, ModelPreset> = {
  tiny: {
    description: '112 px, 8 frames, 2 layers × 64 (≈ 0.2 M parameters): seconds per epoch on a laptop CPU',
    config: config({
      image_size: 112,
      num_frames: 8,
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 128,
    }),
    preprocessor: defaultPreprocessorConfig(112),
  },
  small: {
    description: '112 px, 8 frames, 4 layers × 128 (≈ 0.7 M parameters): minutes on 2 CPU cores',
    config: config({
      image_size: 112,
      num_frames: 8,
      hidden_size: 128,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      intermediate_size: 256,
    }),
    preprocessor: defaultPreprocessorConfig(112),
  },
  base: {
    description: 'the MCG-NJU/videomae-base shape: 224 px, 16 frames, 12 layers × 768 (≈ 86 M parameters)',
    config: config({
      image_size: 224,
      num_frames: 16,
      hidden_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      intermediate_size: 3072,
      use_mean_pooling: false,
    }),
    preprocessor: defaultPreprocessorConfig(224),
  },
};

/** The preset's config with the dataset's labels filled in (id2label / label2id / num_labels). */
export function presetConfig(name: string, labels: string[]): { config: Record<string, unknown>; preprocessor: Record<string, unknown> } {
  const preset = MODEL_PRESETS[name];
  if (!preset) throw invalidArg('--config', `one of ${Object.keys(MODEL_PRESETS).join(', ')}`, name);
  return {
    config: {
      ...preset.config,
      id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      num_labels: labels.length,
    },
    preprocessor: { ...preset.preprocessor },
  };
}

/**
 * A preset as a VideoMAEForPreTraining config: videomae-base's pre-training choices
 * (use_mean_pooling false, norm_pix_loss true) and a decoder of half the width, a third of the
 * depth and half the heads, 4× MLP — for `base` exactly HF's defaults (384, 4, 6, 1536).
 */
export function preTrainingPresetConfig(name: string): { config: Record<string, unknown>; preprocessor: Record<string, unknown> } {
  const preset = MODEL_PRESETS[name];
  if (!preset) throw invalidArg('--config', `one of ${Object.keys(MODEL_PRESETS).join(', ')}`, name);
  const hidden = Number(preset.config.hidden_size);
  const decoderHidden = Math.max(8, hidden / 2);
  return {
    config: {
      ...preset.config,
      architectures: ['VideoMAEForPreTraining'],
      use_mean_pooling: false,
      norm_pix_loss: true,
      decoder_hidden_size: decoderHidden,
      decoder_num_hidden_layers: Math.max(1, Math.round(Number(preset.config.num_hidden_layers) / 3)),
      decoder_num_attention_heads: Math.max(1, Number(preset.config.num_attention_heads) / 2),
      decoder_intermediate_size: 4 * decoderHidden,
    },
    preprocessor: preset.preprocessor,
  };
}
