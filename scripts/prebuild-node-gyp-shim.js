#!/usr/bin/env node
'use strict';
// prebuildify only knows how to drive node-gyp ("node-gyp rebuild --target=... --release").
// PREBUILD_NODE_GYP points here, so that the build it asks for is our cmake-js build, whose
// output lands in build/Release where prebuildify picks it up.
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  process.stderr.write(`prebuild shim: unsupported node-gyp command ${args.join(' ')}\n`);
  process.exit(2);
}
execFileSync(process.execPath, [path.join(__dirname, 'build-native.js'), ...(args.includes('--debug') ? ['--debug'] : [])], {
  stdio: 'inherit',
});
