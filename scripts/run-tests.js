'use strict';
// Runs jest (all projects unless arguments say otherwise) with a JSON report, then prints the
// final line CI reads: "N passed, N failed" (failed counts failing tests and suites that crashed).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const report = path.join(os.tmpdir(), `videomae-jest-${process.pid}.json`);
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + json.numRuntimeErrorTestSuites;
  fs.rmSync(report, { force: true });
} catch {
  failed = Math.max(failed, 1); // jest crashed before writing its report
}
if (result.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || result.status !== 0 ? 1 : 0;
