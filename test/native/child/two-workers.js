'use strict';
// Loads the addon in the main thread and in two worker_threads at once, uses it in each, then
// terminates a third worker while it is busy. The process must exit cleanly (exit code 0).
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

if (isMainThread) {
  const lib = process.argv[2];
  const main = require(lib);
  const mainVersion = main.info().libtorch.version;
  const spawn = (mode) => new Worker(__filename, { workerData: { lib, mode } });
  const results = [];
  const workers = [spawn('use'), spawn('use')];
  Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.on('message', (message) => results.push(message));
          worker.on('error', reject);
          worker.on('exit', resolve);
        }),
    ),
  ).then(async () => {
    const busy = spawn('busy');
    await new Promise((resolve) => busy.once('message', resolve));
    const exitCode = await busy.terminate();
    process.stdout.write(JSON.stringify({ mainVersion, results, terminatedExitCode: exitCode }));
  });
} else {
  const lib = require(workerData.lib);
  const { diagnostics } = require(workerData.lib.replace(/index\.js$/, 'native/diagnostics.js'));
  const data = Float32Array.from({ length: 4096 }, (_, i) => i % 7);
  if (workerData.mode === 'use') {
    (async () => {
      const sum = await diagnostics().sumAsync({ data, shape: [4096] });
      let errorIsLocalClass = false;
      try {
        diagnostics().throwNative('videomae');
      } catch (error) {
        errorIsLocalClass = error instanceof lib.VideomaeError && error.code === 'ERR_VIDEOMAE_DECODE';
      }
      parentPort.postMessage({ version: lib.info().libtorch.version, sum, errorIsLocalClass });
    })();
  } else {
    parentPort.postMessage('started');
    const loop = () =>
      diagnostics()
        .sumAsync({ data, shape: [4096] })
        .then(loop);
    loop();
  }
}
