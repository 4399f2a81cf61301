'use strict';
// `npm run prebuild`: leaves the addon in prebuilds/<platform>-<arch>/videomae.node, the name
// node-gyp-build loads first. prebuildify does the naming and stripping and drives the build
// through scripts/prebuild-node-gyp-shim.js (cmake-js instead of node-gyp), working in a staging
// folder so that build/Release stays untouched. The build manifest (videomae.node.json: package
// and libtorch versions) goes beside the prebuild: lib/native reads it to find a matching libtorch.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-prebuild-'));
try {
  fs.copyFileSync(path.join(root, 'package.json'), path.join(staging, 'package.json'));
  execFileSync(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--strip', `--cwd=${staging}`, `--out=${root}`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PREBUILD_NODE_GYP: path.join(__dirname, 'prebuild-node-gyp-shim.js') },
  });
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const prebuilt = fs.readdirSync(dir).find((name) => name.endsWith('.node'));
if (!prebuilt) throw new Error(`prebuildify left no .node in ${dir}`);
fs.copyFileSync(path.join(root, 'build', 'Release', 'videomae.node.json'), path.join(dir, `${prebuilt}.json`));
process.stderr.write(`[videomae] prebuild: ${path.relative(root, path.join(dir, prebuilt))} (+ .json build manifest)\n`);
