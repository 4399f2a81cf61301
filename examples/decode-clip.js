// Decode 16 frames of a video, uniformly sampled from the clip [0, 2) s, resized to a 224 short side,
// as float32 CTHW normalised with ImageNet's mean/std — the input pytorchvideo's transforms make.
// Run: node examples/decode-clip.js <video>
const { VideoReader } = require('videomae');

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node examples/decode-clip.js <video>');
  const reader = await VideoReader.open(file);
  try {
    console.log(JSON.stringify(reader.metadata));
    const clip = await reader.sampleClip(
      { start: 0, end: 2, numFrames: 16 },
      { size: { shortestEdge: 224 }, layout: 'CTHW', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }, // ImageNet's, on 0..255
    );
    console.log(JSON.stringify({ shape: clip.shape, first: clip.data[0] }));
  } finally {
    reader.close();
  }
}

main().catch((error) => {
  console.error(`${error.code ?? ''} ${error.message}`);
  process.exitCode = 1;
});
