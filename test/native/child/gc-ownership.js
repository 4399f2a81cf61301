'use strict';
// Run with --expose-gc. Allocates ~2.4 GB of native tensors handed to JS over external buffers
// and drops them: if ownership is right, the finalizers free the native storage and RSS stays flat.
const { diagnostics } = require(process.argv[2]);
const d = diagnostics();
const mb = () => process.memoryUsage().rss / 2 ** 20;
global.gc();
const before = mb();
let checksum = 0;
for (let i = 0; i < 300; i++) {
  const tensor = d.makeTensor(2 * 1024 * 1024); // 8 MB of float32
  checksum += tensor.data[tensor.data.length - 1];
  const handle = d.makeNativeTensor([1024, 1024]); // 4 MB, a NativeTensor wrapper
  checksum += handle.toTypedArray()[5];
  if (i % 10 === 0) global.gc();
}
global.gc();
setImmediate(() => {
  global.gc();
  const after = mb();
  process.stdout.write(JSON.stringify({ before, after, growthMb: after - before, checksum }));
});
