'use strict';
// Runs the compiled launcher (dist/, built by `npm run build:ts`) as a process of its own, so that
// test/e2e/launcher.test.ts can signal it the way a terminal or a scheduler would.
// argv: <dist/lib/distributed/launcher.js> <LaunchOptions as JSON> <result file>
// The launcher logs to this process's stderr; rank 0 writes to its stdout. The LaunchResult, and
// how many SIGINT/SIGTERM/exit listeners are left afterwards, go to the result file; the exit code is
// the launcher's.
const fs = require('node:fs');

const [launcher, optionsJson, resultFile] = process.argv.slice(2);
const { launchWorkers } = require(launcher);

// SIGUSR2 stands for a host process that ends while the workers run.
process.on('SIGUSR2', () => process.exit(5));

launchWorkers(JSON.parse(optionsJson)).then(
  (result) => {
    const listeners = ['SIGINT', 'SIGTERM', 'exit'].reduce((n, event) => n + process.listenerCount(event), 0);
    fs.writeFileSync(resultFile, JSON.stringify({ ...result, listeners }));
    process.exitCode = result.exitCode;
  },
  (error) => {
    process.stderr.write(`launch-driver: ${error.stack}\n`);
    process.exitCode = 70;
  },
);
