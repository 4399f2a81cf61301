'use strict';
// Terminates worker_threads while they decode (VideoReader on a Buffer, decodeClips through the
// native pool) or classify (the pipeline: decode + image processor + model), several times per
// kind, at varying moments after the work is known to be under way. The main thread then decodes
// and classifies the same video: the results must equal those it got before any worker ran, and
// the process must exit by itself with status 0 (no crash, no hang on a stranded native task).
// argv: <dist/lib/index.js> <video file> <model dir>
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');

async function decodeOnce(lib, bytes) {
  const reader = await lib.VideoReader.open(bytes);
  try {
    const all = Array.from({ length: reader.metadata.numFrames }, (_, i) => i);
    const frames = await reader.getFramesAt(all);
    return createHash('sha256').update(frames.data).digest('hex');
  } finally {
    reader.close();
  }
}

if (isMainThread) {
  const [libPath, video, modelDir] = process.argv.slice(2);
  const lib = require(libPath);
  (async () => {
    const bytes = fs.readFileSync(video);
    const classifier = await lib.pipeline('video-classification', { model: modelDir });
    const before = { decoded: await decodeOnce(lib, bytes), predictions: await classifier(video) };
    const terminated = [];
    const delays = [0, 3, 17]; // ms after the worker said its loop is running
    for (const mode of ['reader', 'clips', 'pipeline']) {
      for (const delay of delays) {
        const worker = new Worker(__filename, { workerData: { libPath, video, modelDir, mode } });
        const errors = [];
        worker.on('error', (e) => errors.push(String(e)));
        await new Promise((resolve) => worker.once('message', resolve));
        await new Promise((resolve) => setTimeout(resolve, delay));
        const exitCode = await worker.terminate();
        terminated.push({ mode, delay, exitCode, errors });
      }
    }
    const after = { decoded: await decodeOnce(lib, bytes), predictions: await classifier(video) };
    classifier.dispose();
    process.stdout.write(JSON.stringify({ before, after, terminated }));
  })().catch((error) => {
    process.stderr.write(String(error && error.stack));
    process.exitCode = 1;
  });
} else {
  const { libPath, video, modelDir, mode } = workerData;
  const lib = require(libPath);
  const bytes = fs.readFileSync(video);
  let announced = false;
  const announce = () => {
    if (!announced) parentPort.postMessage('running');
    announced = true;
  };
  (async () => {
    const classifier = mode === 'pipeline' ? await lib.pipeline('video-classification', { model: modelDir }) : null;
    for (;;) {
      // Several operations in flight at once, so that termination finds native work running.
      if (mode === 'reader') await Promise.all([decodeOnce(lib, bytes), decodeOnce(lib, bytes), decodeOnce(lib, video)]);
      else if (mode === 'clips') await lib.decodeClips([bytes, video, bytes, video], { numFrames: 8 });
      else await Promise.all([classifier(video), classifier(bytes), classifier(video, { clips: 2, crops: 3 })]);
      announce();
    }
  })();
}
