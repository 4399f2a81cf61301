'use strict';
// The clip-sampler draws and augmentation parameters of our native DataLoader for a run, without a
// hook in native code. Both are functions of (seed, epoch, sample index):
// - clip windows: DataLoader.planSamples(epoch) (TypeScript) is the plan the workers decode;
// - augmentations: native/core/data/loader.cpp seeds one generator per sample with
//   sampleGenerator(seed, epoch, sampleIndex), the generator applyTransforms() also uses, and the
//   chain's non-random steps (subsample, /255, normalize) draw nothing. So running just the random
//   steps of the chain on a coordinate-ramp frame of the video's size, with the same
//   {seed, epoch, sample}, makes the same draws; the output's shape and values give them back.
const path = require('node:path');
const { root } = require('./ours');

const lib = require(path.join(root, 'dist', 'lib'));
const runtime = require(path.join(root, 'dist', 'lib', 'train', 'runtime'));

/** The loader `videomae train` builds (lib/cli/commands/train.ts createLoader), and its DataLoader. */
function ourLoader(dataset, { train, batch, seed, numFrames, preprocessor, loaderOptions = {} }) {
  const source = runtime.createVideoLoader(dataset, {
    train,
    batchSize: batch,
    seed,
    workers: 1,
    dropLast: false,
    numFrames,
    preprocessor,
    flip: true,
    ...loaderOptions,
  });
  return source.loader; // LoaderSource keeps the DataLoader in a private field
}

/** A (2,1,H,W) frame: channel 0 = column index, channel 1 = row index. */
function rampFrame(h, w) {
  const data = new Float32Array(2 * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      data[y * w + x] = x;
      data[h * w + y * w + x] = y;
    }
  }
  return { data, shape: [2, 1, h, w] };
}

/** Scale, crop offsets and flip of one sample, read back from the ramp. */
async function augmentationOf(chain, frame, rng) {
  const random = chain.filter((t) => t.type.startsWith('Random'));
  const scaleOnly = random.filter((t) => t.type === 'RandomShortSideScale');
  const scaled = await lib.applyTransforms(frame, scaleOnly, rng);
  const [, , sh, sw] = scaled.shape;
  scaled.dispose();
  const out = await lib.applyTransforms(frame, random, rng);
  const [, , ch, cw] = out.shape;
  const v = out.toTypedArray({ copy: true });
  out.dispose();
  const [, , h, w] = frame.shape;
  const first = v[0],
    last = v[cw - 1]; // channel 0, row 0
  const flip = first > last;
  // Bilinear (align_corners false) keeps a ramp linear: value at scaled column c = (c + 0.5)·w/sw − 0.5.
  const toScaled = (value, size, scaledSize) => Math.round(((value + 0.5) * scaledSize) / size - 0.5);
  const left = toScaled(flip ? last : first, w, sw);
  const top = toScaled(v[ch * cw], h, sh);
  return { scale: Math.min(sh, sw), scaled_h: sh, scaled_w: sw, crop_top: top, crop_left: left, flip };
}

/** Every sample of `epochs` train epochs (clip window + augmentation) and the eval clips of `splits`. */
async function ourDraws({ data, modelDir, seed, epochs, batch, splits = ['val', 'test'], loaderOptions }) {
  const config = require(path.join(modelDir, 'config.json'));
  const preprocessor = require(path.join(modelDir, 'preprocessor_config.json'));
  const train = await runtime.loadFolderSplit(data, 'train');
  const common = { batch, seed, numFrames: config.num_frames, preprocessor, loaderOptions };
  const loader = ourLoader(train, { ...common, train: true });
  const frames = new Map();
  const draws = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const s of loader.planSamples(epoch)) {
      const info = train.info.get(s.videoId);
      const key = `${info.height}x${info.width}`;
      if (!frames.has(key)) frames.set(key, rampFrame(info.height, info.width));
      const aug = await augmentationOf(loader.options.transforms, frames.get(key), { seed, epoch, sample: s.sampleIndex });
      draws.push({ split: 'train', pass: epoch, ...describe(data, 'train', s, info), ...aug });
    }
  }
  for (const split of splits) {
    const dataset = await runtime.loadFolderSplit(data, split, train.labels);
    const eval_ = ourLoader(dataset, { ...common, train: false });
    for (const s of eval_.planSamples(0)) draws.push({ split, pass: 0, ...describe(data, split, s, dataset.info.get(s.videoId)) });
  }
  return draws;
}

function describe(data, split, sample, info) {
  return {
    video: path.relative(path.join(data, split), sample.path),
    label: sample.label,
    start: sample.start,
    end: sample.end,
    duration: info.durationSeconds,
    height: info.height,
    width: info.width,
  };
}

module.exports = { ourDraws, ourLoader };

/**
 * Every val clip and the first `count` train clips of epoch 0 as our workers make them ((C,T,H,W) float32,
 * concatenated in `file`), with what hf_clips.py needs to make the same clips with the Python pipeline.
 */
async function dumpClips({ data, modelDir, seed, batch, count, file, loaderOptions }) {
  const fs = require('node:fs');
  const config = require(path.join(modelDir, 'config.json'));
  const preprocessor = require(path.join(modelDir, 'preprocessor_config.json'));
  const train = await runtime.loadFolderSplit(data, 'train');
  const val = await runtime.loadFolderSplit(data, 'val', train.labels);
  const common = { batch, seed, numFrames: config.num_frames, preprocessor, loaderOptions };
  const index = [];
  const chunks = [];
  for (const [split, dataset] of [
    ['val', val],
    ['train', train],
  ]) {
    const loader = ourLoader(dataset, { ...common, train: split === 'train' });
    for (const s of loader.planSamples(0).slice(0, split === 'train' ? count : undefined)) {
      const clip = await loader.loadSample(s, 0);
      const info = dataset.info.get(s.videoId);
      const aug =
        split === 'train'
          ? await augmentationOf(loader.options.transforms, rampFrame(info.height, info.width), { seed, epoch: 0, sample: s.sampleIndex })
          : {};
      index.push({
        split,
        path: s.path,
        video: path.relative(path.join(data, split), s.path),
        label: s.label,
        start: s.start,
        end: s.end,
        ...(s.exact ? { exact: s.exact } : {}),
        shape: clip.shape,
        ...aug,
      });
      chunks.push(Buffer.from(clip.toTypedArray({ copy: true }).buffer));
      clip.dispose();
    }
  }
  fs.writeFileSync(file, Buffer.concat(chunks));
  return index;
}

module.exports.dumpClips = dumpClips;
