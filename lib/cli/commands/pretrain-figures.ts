/**
 * The pictures of a pre-training report: a few held-out clips, each as its input frames, the same
 * frames with the masked tubelets greyed out, and the model's reconstruction (lib/report/reconstructions.ts).
 */
import type { VideoDataset } from '../../data/dataset';
import { parseConfig, imageSizeOf, patchSizeOf } from '../../model/config';
import type { NativeTensor, TensorData } from '../../native/tensor';
import { writeReconstructionFigures, type ReconstructionClip } from '../../report/reconstructions';
import { createPreTrainingLoader, type TrainableVideoMAEPreTraining } from '../../train/pretraining-runtime';

export async function writePreTrainingFigures(
  model: TrainableVideoMAEPreTraining,
  dataset: VideoDataset,
  options: { count: number; preprocessor: Record<string, unknown>; maskRatio: number; seed: number; outputDir: string },
): Promise<string | undefined> {
  const count = Math.min(Math.max(0, Math.floor(options.count)), dataset.videos.length);
  if (count === 0) return undefined;
  const config = parseConfig(model.config);
  const subset: VideoDataset = { ...dataset, videos: dataset.videos.slice(0, count), info: dataset.info };
  const loader = createPreTrainingLoader(subset, {
    train: false,
    batchSize: count,
    seed: options.seed,
    workers: 1,
    dropLast: false,
    numFrames: config.numFrames,
    preprocessor: options.preprocessor,
    config,
    maskRatio: options.maskRatio,
  });
  const [height, width] = imageSizeOf(config);
  const [patchHeight, patchWidth] = patchSizeOf(config);
  const geometry = {
    numFrames: config.numFrames,
    channels: config.numChannels,
    height,
    width,
    tubelet: config.tubeletSize,
    patchHeight,
    patchWidth,
  };
  const clips: ReconstructionClip[] = [];
  model.eval();
  try {
    for await (const batch of loader.epoch(0)) {
      const out = await model.model.forward({
        pixelValues: batch.pixelValues as NativeTensor,
        boolMaskedPos: batch.boolMaskedPos as TensorData<Uint8Array>,
      });
      const pixels = (batch.pixelValues as NativeTensor).toTypedArray({ copy: true }) as Float32Array;
      const mask = (batch.boolMaskedPos as TensorData<Uint8Array>).data;
      const b = batch.labels.length;
      const perClip = pixels.length / b;
      const [, masked, values] = out.logits.shape as [number, number, number];
      const n = mask.length / b;
      for (let i = 0; i < b; i++) {
        clips.push({
          pixelValues: pixels.subarray(i * perClip, (i + 1) * perClip),
          mask: mask.subarray(i * n, (i + 1) * n),
          logits: out.logits.data.subarray(i * masked * values, (i + 1) * masked * values),
          geometry,
          normPixLoss: config.normPixLoss,
        });
      }
      batch.dispose?.();
    }
  } finally {
    await loader.close?.();
  }
  return writeReconstructionFigures(options.outputDir, clips);
}
