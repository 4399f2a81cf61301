/**
 * The recipe `npm run demo` runs on a 2-core CPU in under 10 minutes: the synthetic dataset it
 * writes, the VideoMAE shape it trains from scratch, and the training arguments. Tuned so that
 * the test split reaches ≥ 90 % accuracy (see the note in README "Demo").
 */
import type { SynthesizeOptions } from '../data/synth';
import type { TrainingArgumentsInput } from '../train/training-args';

export interface DemoRecipe {
  /** Synthetic dataset (videomae synth). */
  data: Omit<SynthesizeOptions, 'output'>;
  /** Built-in model preset name (lib/train/model-presets.ts) and HF config overrides. */
  preset: string;
  configOverrides: Record<string, unknown>;
  /** Training arguments (HF names, camelCase); outputDir is filled in by the demo. */
  training: Partial<TrainingArgumentsInput>;
  /** Random horizontal flip in training: off, since direction is what some classes differ by. */
  flip: boolean;
}

export const DEMO_RECIPE: DemoRecipe = {
  data: { classes: 10, train: 24, val: 6, test: 8, seed: 0 },
  preset: 'small',
  configOverrides: {},
  training: {
    learningRate: 1e-3,
    numTrainEpochs: 8,
    perDeviceTrainBatchSize: 8,
    perDeviceEvalBatchSize: 16,
    warmupSteps: 0.1,
    weightDecay: 0.05,
    evalStrategy: 'epoch',
    saveStrategy: 'epoch',
    loadBestModelAtEnd: true,
    metricForBestModel: 'accuracy',
    saveTotalLimit: 2,
    loggingSteps: 10,
    seed: 42,
  },
  flip: false,
};
