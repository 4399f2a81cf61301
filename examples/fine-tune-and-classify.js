// Fine-tune a VideoMAE classifier on a folder of labelled videos, evaluate it, save it in HF format
// and classify a video — the HF guide's job, from Node. Run: node examples/fine-tune-and-classify.js [workdir]
// (Uses a tiny model and a tiny synthetic dataset so that it finishes in seconds; point `data` at a
// UCF101-layout folder and load a real checkpoint with fromPretrained() for real work.)
const os = require('node:os');
const path = require('node:path');
const { synthesizeDataset, VideoFolderDataset, VideoMAEForVideoClassification, Trainer, pipeline } = require('videomae');

async function main() {
  const work = process.argv[2] || path.join(os.tmpdir(), 'videomae-example');
  const data = path.join(work, 'data');
  await synthesizeDataset({ output: data, classes: 3, train: 4, val: 2, test: 2, seconds: 1.2, width: 64, height: 64, force: true });

  const train = await VideoFolderDataset.load(data, { split: 'train' });
  const val = await VideoFolderDataset.load(data, { split: 'val', labels: train.labels });
  const id2label = Object.fromEntries(train.labels.map((label, i) => [i, label]));
  // A real run: VideoMAEForVideoClassification.fromPretrained('path/to/videomae-base', { id2label, ignoreMismatchedSizes: true })
  const model = await VideoMAEForVideoClassification.fromConfig(
    {
      imageSize: 64,
      patchSize: 16,
      numFrames: 4,
      tubeletSize: 2,
      hiddenSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 64,
      id2label,
    },
    { seed: 0 },
  );
  const trainer = new Trainer({
    model,
    args: {
      outputDir: path.join(work, 'model'),
      numTrainEpochs: 1,
      perDeviceTrainBatchSize: 4,
      learningRate: 1e-3,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      disableTqdm: true,
    },
    trainDataset: train,
    evalDataset: val,
    horizontalFlip: false,
  });
  await trainer.train();
  const metrics = await trainer.evaluate(val);
  console.log(`eval accuracy ${metrics.eval_accuracy}, loss ${metrics.eval_loss.toFixed(4)}`);
  await trainer.close();
  model.dispose();

  // The saved folder (config.json + model.safetensors) also loads in Python transformers.
  const classifier = await pipeline('video-classification', { model: path.join(work, 'model') });
  const video = train.videos[0].path;
  const predictions = await classifier(video, { topK: 3 });
  console.log(JSON.stringify({ video: path.basename(video), predictions }));
  classifier.dispose();
}

main().catch((error) => {
  console.error(`${error.code ?? ''} ${error.message}`);
  process.exitCode = 1;
});
