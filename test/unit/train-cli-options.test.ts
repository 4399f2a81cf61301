import { Command } from 'commander';
import { addTrainingArgumentOptions, kebab, trainingArgumentsFromOptions } from '../../lib/train/cli-options';
import { resolveTrainingArguments } from '../../lib/train/training-args';
import { CLI_DEFAULTS } from '../../lib/cli/commands/train';
import { MODEL_PRESETS, presetConfig } from '../../lib/train/model-presets';

function parse(argv: string[]) {
  const command = addTrainingArgumentOptions(new Command('train').exitOverride(), CLI_DEFAULTS);
  command.parse(argv, { from: 'user' });
  return { ...trainingArgumentsFromOptions(command.opts(), CLI_DEFAULTS), outputDir: 'out' };
}

describe('train command flags', () => {
  it('maps HF names to kebab-case flags', () => {
    expect(kebab('perDeviceTrainBatchSize')).toBe('per-device-train-batch-size');
    expect(kebab('adamBeta1')).toBe('adam-beta1');
  });

  it('defaults to the HF guide settings and lets every TrainingArguments field be overridden', () => {
    const a = resolveTrainingArguments(parse([]));
    expect(a).toMatchObject({
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      metricForBestModel: 'accuracy',
      greaterIsBetter: true,
      loggingSteps: 10,
      warmupSteps: 0.1,
    });
    const b = resolveTrainingArguments(
      parse([
        '--learning-rate',
        '1e-4',
        '--per-device-train-batch-size',
        '4',
        '--no-load-best-model-at-end',
        '--bf16',
        '--lr-scheduler-type',
        'cosine',
      ]),
    );
    expect(b).toMatchObject({
      learningRate: 1e-4,
      perDeviceTrainBatchSize: 4,
      loadBestModelAtEnd: false,
      bf16: true,
      lrSchedulerType: 'cosine',
    });
  });

  it('rejects a non-numeric value with the flag name', () => {
    expect(() => parse(['--learning-rate', 'fast'])).toThrow('Expected a number for --learning-rate but received "fast"');
  });

  it('validates flag values through the TrainingArguments schema', () => {
    expect(() => resolveTrainingArguments(parse(['--gradient-accumulation-steps', '0']))).toThrow(
      /for gradientAccumulationSteps but received 0/,
    );
  });
});

describe('model presets', () => {
  it('fills the labels into a preset config', () => {
    const { config, preprocessor } = presetConfig('tiny', ['a', 'b']);
    expect(config).toMatchObject({
      num_labels: 2,
      id2label: { 0: 'a', 1: 'b' },
      label2id: { a: 0, b: 1 },
      image_size: 112,
      model_type: 'videomae',
    });
    expect(preprocessor).toMatchObject({ size: { shortest_edge: 112 }, crop_size: { height: 112, width: 112 } });
    expect(MODEL_PRESETS.base.config).toMatchObject({
      hidden_size: 768,
      num_hidden_layers: 12,
      image_size: 224,
      num_frames: 16,
      use_mean_pooling: false,
    });
    expect(() => presetConfig('huge', [])).toThrow('Expected one of tiny, small, base for --config but received "huge"');
  });
});
