'use strict';
// npm's install hook: use a matching prebuild when one loads, otherwise build from source.
// Either way the addon needs libtorch at run time, so make sure it is present (fetching the
// pinned wheel into the cache when nothing else provides it).
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { resolveLibtorch } = require('./libtorch');

const root = path.resolve(__dirname, '..');

function prebuildLoads() {
  try {
    // Only prebuilds/ counts here: a stale build/Release is rebuilt (or skipped) by build-native.
    const load = require('node-gyp-build');
    const resolved = load.resolve(root);
    return resolved.includes(`${path.sep}prebuilds${path.sep}`) && Boolean(require(resolved));
  } catch {
    return false;
  }
}

resolveLibtorch({ fetch: true });
if (prebuildLoads()) {
  process.stderr.write('[videomae] using the prebuilt addon in prebuilds/\n');
} else {
  execFileSync(process.execPath, [path.join(__dirname, 'build-native.js')], { cwd: root, stdio: 'inherit' });
}
