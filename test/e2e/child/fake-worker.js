'use strict';
// A stand-in for a training worker, started by launchWorkers in test/e2e/launcher.test.ts.
// argv: <dir> <mode for local rank 0> <mode for local rank 1> ... (the last mode goes for any further rank)
// It leaves files in <dir>, named by its RANK, for the test to read or wait for:
//   env-R.json   its whole environment and cwd (modes env, print)
//   ready-R      its signal handlers are in place and it is idling (modes that wait)
//   signals-R    one line per SIGINT/SIGTERM received (modes save, ignore-sigint)
//   saved-R      the "checkpoint" written after a signal (mode save)
// Modes:
//   env            write env-R.json, exit 0
//   print          write env-R.json, print to stdout and stderr (the last line without a newline), exit 0
//   fail           once every other rank of this node is ready, exit 3
//   sleep          idle until killed (SIGTERM's default action ends it)
//   stubborn       idle, ignoring SIGTERM: only SIGKILL ends it
//   save           on SIGINT/SIGTERM, "save a checkpoint" for SAVE_MS (default 0), counting any further
//                  signal that arrives meanwhile, then write saved-R and exit 128 + the signal
//   ignore-sigint  note each SIGINT and carry on (a worker stuck in a step that never ends)
//   fail-on-signal on SIGINT/SIGTERM, exit 1 (a worker whose checkpoint could not be written)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [dir, ...modes] = process.argv.slice(2);
const rank = process.env.RANK;
const localRank = Number(process.env.LOCAL_RANK);
const mode = modes[Math.min(localRank, modes.length - 1)];
const file = (name) => path.join(dir, `${name}-${rank}`);

function writeEnv() {
  fs.writeFileSync(`${file('env')}.json`, JSON.stringify({ env: process.env, cwd: process.cwd() }));
}

function idle() {
  setInterval(() => {}, 1 << 30);
  fs.writeFileSync(file('ready'), '');
}

/** Polls for the other ranks' ready files: this process cannot be told otherwise that they are. */
function whenOthersReady(then) {
  const first = Number(rank) - localRank;
  const others = Array.from({ length: Number(process.env.LOCAL_WORLD_SIZE) }, (_, i) => first + i).filter((r) => String(r) !== rank);
  const check = () => (others.every((r) => fs.existsSync(path.join(dir, `ready-${r}`))) ? then() : setTimeout(check, 10));
  check();
}

switch (mode) {
  case 'env':
    writeEnv();
    break;
  case 'print':
    writeEnv();
    process.stdout.write(`out from ${rank}\nsecond out from ${rank}\n`);
    process.stderr.write(`err from ${rank}\nlast from ${rank}, no newline`);
    break;
  case 'fail':
    whenOthersReady(() => process.exit(3));
    break;
  case 'sleep':
    idle();
    break;
  case 'stubborn':
    process.on('SIGTERM', () => {});
    idle();
    break;
  case 'save': {
    let received = null;
    let count = 0;
    const onSignal = (signal) => {
      count++;
      fs.appendFileSync(file('signals'), `${signal}\n`);
      if (received) return;
      received = signal;
      setTimeout(
        () => {
          fs.writeFileSync(file('saved'), `${received} ${count}`);
          process.exit(128 + os.constants.signals[received]);
        },
        Number(process.env.SAVE_MS ?? 0),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    idle();
    break;
  }
  case 'ignore-sigint':
    process.on('SIGINT', (signal) => fs.appendFileSync(file('signals'), `${signal}\n`));
    idle();
    break;
  case 'fail-on-signal':
    process.on('SIGINT', () => process.exit(1));
    process.on('SIGTERM', () => process.exit(1));
    idle();
    break;
  default:
    process.stderr.write(`fake-worker: unknown mode ${mode}\n`);
    process.exit(64);
}
