'use strict';
// npm's install hook: use the prebuild when it loads, otherwise build from source. Either way the
// addon needs libtorch at run time (it has no RUNPATH to it; lib/native finds it at load time), so
// make sure one is present, fetching the pinned wheel into the cache when nothing else provides it.
// A source build here runs without -Werror: a user's compiler may warn about what ours does not.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { resolveLibtorch } = require('./libtorch');

const root = path.resolve(__dirname, '..');

// Loads the prebuild the way the package does (lib/native/binding), in a child process, so that a
// failure is seen here and answered with a source build instead of surfacing at first use.
function prebuildLoads() {
  const binding = path.join(root, 'dist', 'lib', 'native', 'binding.js');
  const prebuilds = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(binding) || !fs.existsSync(prebuilds)) return false;
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(binding)}).native()`], {
    cwd: root,
    env: { ...process.env, PREBUILDS_ONLY: '1' },
    encoding: 'utf8',
  });
  if (run.status === 0) return true;
  const reason = (run.stderr || '').split('\n').find((line) => /error/i.test(line)) || `exit status ${run.status}`;
  process.stderr.write(`[videomae] the prebuilt addon does not load here (${reason.trim()}); building from source\n`);
  return false;
}

resolveLibtorch({ fetch: true });
if (prebuildLoads()) {
  process.stderr.write('[videomae] using the prebuilt addon in prebuilds/\n');
} else {
  execFileSync(process.execPath, [path.join(__dirname, 'build-native.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VIDEOMAE_WERROR: '0' },
  });
}
