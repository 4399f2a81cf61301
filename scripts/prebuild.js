'use strict';
// `npm run prebuild`: leaves the addon in prebuilds/<platform>-<arch>/videomae.napi.node, the
// name node-gyp-build loads first. prebuildify does the naming/stripping and drives the build
// through scripts/prebuild-node-gyp-shim.js (cmake-js instead of node-gyp); it moves the built
// file away, so a copy is put back into build/Release for development use.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'videomae.node');
const prebuildify = require.resolve('prebuildify/bin.js');
execFileSync(process.execPath, [prebuildify, '--napi', '--strip'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PREBUILD_NODE_GYP: path.join(__dirname, 'prebuild-node-gyp-shim.js') },
});
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const prebuilt = fs.readdirSync(dir).find((name) => name.endsWith('.node'));
if (!prebuilt) throw new Error(`prebuildify left no .node in ${dir}`);
if (!fs.existsSync(built)) {
  fs.copyFileSync(path.join(dir, prebuilt), built);
  const stamp = `${built}.libtorch`;
  if (!fs.existsSync(stamp)) fs.writeFileSync(stamp, '');
}
process.stderr.write(`[videomae] prebuild: ${path.relative(root, path.join(dir, prebuilt))}\n`);
