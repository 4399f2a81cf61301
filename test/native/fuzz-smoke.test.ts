/**
 * Fuzz smoke: every libFuzzer target of fuzz/ (the parsers of untrusted bytes: safetensors, the
 * restricted unpickler, pytorch_model.bin archives, the JSON reader, the in-memory video decoder)
 * runs over its committed seed corpus, then fuzzes for a few seconds (VIDEOMAE_FUZZ_SMOKE_SECONDS,
 * default 5). Any crash, leak, sanitizer report or unclean error fails, naming the input libFuzzer
 * wrote under build-fuzz/crashes/<target>/. The targets are built by scripts/fuzz.js into
 * build-fuzz/ (ninja rebuilds only what changed; ccache when installed). Needs clang and its
 * libFuzzer runtime (scripts/setup.sh installs them); skipped, saying so, without.
 * Long runs: `npm run fuzz -- --minutes N`.
 */
import * as path from 'node:path';
import { repoRoot } from '../helpers/run-node';

interface FuzzResult {
  target: string;
  status: number | null;
  cpuSeconds: number;
  executions: number | null;
  cov: number | null;
  crashes: string[];
  log: string;
}
interface FuzzScript {
  TARGETS: Record<string, unknown>;
  toolchain(): { ok: true; cxx: string } | { ok: false; why: string };
  build(options: { quiet: boolean }): void;
  runTarget(
    target: string,
    options: { seconds: number; corpusDir: null; quiet: boolean; logName: string; extraArgs?: string[] },
  ): Promise<FuzzResult>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fuzz = require(path.join(repoRoot, 'scripts', 'fuzz.js')) as FuzzScript;
const tools = fuzz.toolchain();
const live = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`SKIPPED fuzz smoke: ${tools.why}; scripts/setup.sh installs clang and libclang-rt-14-dev`);

const SECONDS = Number(process.env.VIDEOMAE_FUZZ_SMOKE_SECONDS ?? 5);

live('fuzz smoke: seeds + a few seconds of fuzzing per target find nothing', () => {
  // A first build compiles ~20 files with clang + sanitizers (about a minute on 2 cores, seconds
  // with a warm ccache); later runs only check that nothing changed.
  beforeAll(() => fuzz.build({ quiet: true }), 300_000);

  test.each(Object.keys(fuzz.TARGETS))(
    '%s',
    async (target) => {
      // New inputs go to a temporary corpus (removed after), not to build-fuzz/corpus/.
      // A fixed libFuzzer seed: the same mutations in every run, so npm test cannot turn red by luck;
      // `npm run fuzz` explores with fresh seeds (and found the colorspace input this way).
      const result = await fuzz.runTarget(target, {
        seconds: SECONDS,
        corpusDir: null,
        quiet: true,
        logName: `smoke-${target}`,
        extraArgs: ['-seed=1'],
      });
      const where = `log: ${path.relative(repoRoot, result.log)}`;
      expect({ crashes: result.crashes.map((f) => path.relative(repoRoot, f)), where }).toEqual({ crashes: [], where });
      expect({ status: result.status, where }).toEqual({ status: 0, where });
      expect(result.executions).toBeGreaterThan(0);
    },
    SECONDS * 1000 + 60_000,
  );
});
