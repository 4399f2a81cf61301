/** config.json parsing and writing (pure TS): 4.x and 5.x files, unknown fields, labels. */
import { defaultConfig, parseConfig, serializeConfig, withLabels } from '../../lib/model/config';

const v4 = {
  architectures: ['VideoMAEForPreTraining'],
  hidden_size: 768,
  image_size: 224,
  layer_norm_eps: 1e-12,
  model_type: 'videomae',
  norm_pix_loss: true,
  qkv_bias: false,
  torch_dtype: 'float32',
  transformers_version: '4.22.0.dev0',
  use_mean_pooling: false,
  some_future_field: { nested: [1, 2] },
};

test('a 4.x file (qkv_bias, torch_dtype) parses with defaults for absent fields', () => {
  const config = parseConfig(v4);
  expect(config).toMatchObject({
    qkvBias: false,
    dtype: 'float32',
    useMeanPooling: false,
    numFrames: 16,
    tubeletSize: 2,
    numLabels: 2,
    problemType: null,
  });
  expect(config.extra).toEqual({ transformers_version: '4.22.0.dev0', some_future_field: { nested: [1, 2] } });
});

test('a 5.x file (qv_bias, dtype) parses; qkv_bias wins when both are present, like 5.x', () => {
  expect(parseConfig({ qv_bias: false, dtype: 'bfloat16' })).toMatchObject({ qkvBias: false, dtype: 'bfloat16' });
  expect(parseConfig({ qv_bias: false, qkv_bias: true }).qkvBias).toBe(true);
});

test('id2label keys are strings in the file and numbers in memory; num_labels follows id2label', () => {
  const config = parseConfig({
    id2label: { '0': 'ApplyEyeMakeup', '1': 'Archery', '2': 'BabyCrawling' },
    num_labels: 7,
    problem_type: 'single_label_classification',
  });
  expect(config.numLabels).toBe(3);
  expect(config.id2label[2]).toBe('BabyCrawling');
  expect(config.label2id).toEqual({ ApplyEyeMakeup: 0, Archery: 1, BabyCrawling: 2 });
  const json = JSON.parse(serializeConfig(config));
  expect(json.id2label).toEqual({ '0': 'ApplyEyeMakeup', '1': 'Archery', '2': 'BabyCrawling' });
  expect(json.problem_type).toBe('single_label_classification');
});

test('serialising writes sorted keys, indent 2, both bias names, dtype, and keeps unknown fields', () => {
  const text = serializeConfig(parseConfig(v4));
  const json = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(Object.keys(json).sort());
  expect(text.startsWith('{\n  "architectures"')).toBe(true);
  expect(json).toMatchObject({
    qkv_bias: false,
    qv_bias: false,
    dtype: 'float32',
    some_future_field: { nested: [1, 2] },
    transformers_version: '4.22.0.dev0',
  });
  expect(json.torch_dtype).toBeUndefined();
  expect(parseConfig(json)).toEqual(parseConfig(v4));
});

test('bad fields are ERR_VIDEOMAE_CHECKPOINT naming the field', () => {
  expect(() => parseConfig({ hidden_size: 'big' })).toThrow(
    expect.objectContaining({ code: 'ERR_VIDEOMAE_CHECKPOINT', message: expect.stringContaining('hidden_size') }),
  );
  expect(() => parseConfig({ model_type: 'vit' })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CHECKPOINT' }));
  expect(() => parseConfig({ id2label: { '0': 'a', '2': 'b' } })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CHECKPOINT' }));
  expect(() => parseConfig({ problem_type: 'ranking' })).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CHECKPOINT' }));
  expect(() => parseConfig({ hidden_size: 100, num_attention_heads: 12 })).toThrow(
    expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
  );
});

test('withLabels and defaultConfig derive id2label/label2id like from_pretrained(num_labels=…)', () => {
  expect(withLabels(defaultConfig(), { numLabels: 3 }).id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
  expect(defaultConfig({ id2label: { 0: 'x', 1: 'y', 2: 'z' } })).toMatchObject({ numLabels: 3, label2id: { x: 0, y: 1, z: 2 } });
  expect(() => withLabels(defaultConfig(), { numLabels: 2, id2label: { 0: 'a' } })).toThrow(
    expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
  );
});
