#!/usr/bin/env node
'use strict';
// prebuildify only knows how to drive node-gyp ("node-gyp rebuild --target=... --release") and
// then moves and strips <cwd>/build/Release/*.node. PREBUILD_NODE_GYP points here: we run our
// cmake-js build in the repository and hand prebuildify a *copy* in its staging folder (its cwd),
// so the build/Release file — possibly loaded by a running process — is never moved or rewritten.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  process.stderr.write(`prebuild shim: unsupported node-gyp command ${args.join(' ')}\n`);
  process.exit(2);
}
const config = args.includes('--debug') ? 'Debug' : 'Release';
execFileSync(process.execPath, [path.join(__dirname, 'build-native.js'), ...(config === 'Debug' ? ['--debug'] : [])], {
  cwd: root,
  stdio: 'inherit',
});
const staging = path.join(process.cwd(), 'build', config);
fs.mkdirSync(staging, { recursive: true });
fs.copyFileSync(path.join(root, 'build', config, 'videomae.node'), path.join(staging, 'videomae.node'));
