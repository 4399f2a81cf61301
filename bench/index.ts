/**
 * `npm run bench [-- --peers] [--only decode,data,model,stream,distributed,pretrain,cpu-paths,onnx] [--model-batches 1,2,4] [--quick]`: runs the decode, data,
 * model and stream benchmarks, with the Python peers in the same run when `--peers` is given
 * (the reference environment is created by scripts/python-env.sh), writes each result as JSON under
 * bench/results/ and prints a markdown table of ratios (videomae ÷ peer, "how many times better").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../lib/native/binding';
import { machineInfo, markdownTable, type BenchReport, type BenchRow } from './common/report';
import { runCpuPathsBench } from './cpu-paths';
import { runDataBench } from './data';
import { runDecodeBench, type DecodeBenchResult } from './decode';
import { runDistributedBench } from './distributed';
import { runPretrainBench } from './pretrain';
import { runModelBench } from './model';
import { runOnnxBench } from './onnx';
import { runStreamBench, streamBenchReport } from './stream';

type BenchName = 'decode' | 'data' | 'model' | 'stream' | 'distributed' | 'pretrain' | 'cpu-paths' | 'onnx';
const ALL: BenchName[] = ['decode', 'data', 'model', 'stream', 'distributed', 'pretrain', 'cpu-paths', 'onnx'];

interface BenchArgs {
  only: BenchName[];
  peers: boolean;
  quick: boolean;
  /** Batch sizes of the model benchmark (default 1, 2, 4; batch 4 train steps need ~7 GB per side). */
  modelBatches: number[] | undefined;
}

function parseArgs(argv: string[]): BenchArgs {
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? ((argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) as BenchName[]) : ALL;
  for (const name of only) if (!ALL.includes(name)) throw new Error(`unknown benchmark ${name}: expected ${ALL.join(', ')}`);
  const batchesIndex = argv.indexOf('--model-batches');
  const modelBatches = batchesIndex >= 0 ? (argv[batchesIndex + 1] ?? '').split(',').map(Number) : undefined;
  if (modelBatches?.some((b) => !Number.isInteger(b) || b < 1)) throw new Error('--model-batches expects positive integers, e.g. 1,2');
  return { only, peers: argv.includes('--peers'), quick: argv.includes('--quick'), modelBatches };
}

function referencePython(): string {
  const out = execFileSync('bash', [path.join(packageRoot(), 'scripts', 'python-env.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

function decodeRows(result: DecodeBenchResult): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [name, set] of Object.entries(result.sets)) {
    for (const mode of ['single', 'pool'] as const) {
      rows.push({
        case: `${name}: ${result.clip.numFrames} frames @${result.clip.shortSide} short side, ${mode === 'single' ? 'one video at a time' : `batch of ${set.videosPerBatch} through the pool`}`,
        unit: 'clips/s',
        higherIsBetter: true,
        ours: set.videomae[mode],
        peers: { 'PyAV as pytorchvideo': set.pytorchvideo?.[mode] ?? null, 'smart PyAV': set.smartPyav?.[mode] ?? null },
      });
    }
  }
  return rows;
}

async function runOne(name: BenchName, args: BenchArgs, python: string | undefined): Promise<{ report: BenchReport; raw: unknown }> {
  switch (name) {
    case 'decode': {
      const raw = await runDecodeBench({
        python: python ?? false,
        ...(args.quick ? { ucfVideos: 4, hdVideos: 1, batch: 8, rounds: 1 } : {}),
      });
      return { report: { name: 'decode', rows: decodeRows(raw), notes: [raw.machine.note] }, raw };
    }
    case 'data': {
      const raw = await runDataBench({ python: Boolean(python), ...(args.quick ? { videos: 8, epochs: 1 } : {}) });
      return { report: raw, raw };
    }
    case 'model': {
      if (python) process.env.VIDEOMAE_PYTHON = python;
      const sizes = args.quick ? { batches: [1], iterations: 1, train: false } : args.modelBatches ? { batches: args.modelBatches } : {};
      const raw = (await runModelBench({ python: Boolean(python), ...sizes })) as Record<string, unknown> & { rows?: BenchRow[] };
      return { report: { name: 'model', rows: raw.rows ?? [], notes: [] }, raw };
    }
    case 'distributed': {
      const { raw, ...report } = await runDistributedBench({ python: Boolean(python), ...(args.quick ? { model: 'tiny', steps: 2 } : {}) });
      return { report, raw };
    }
    case 'pretrain': {
      const { raw, ...report } = await runPretrainBench({
        python: Boolean(python),
        ...(args.quick ? { model: 'tiny', iterations: 2 } : {}),
      });
      return { report, raw };
    }
    case 'cpu-paths': {
      // Needs torch in Python for the libraries the addon did not choose; without --peers it is skipped.
      if (!python)
        return { report: { name: 'cpu-paths', rows: [], notes: ['skipped: needs --peers (the reference Python environment)'] }, raw: null };
      const { raw, ...report } = runCpuPathsBench({ python, ...(args.quick ? { reps: 3 } : {}) });
      return { report, raw };
    }
    case 'onnx': {
      // onnxruntime-node on the same weights, exported from the reference Python environment; without --peers it is skipped.
      if (!python)
        return { report: { name: 'onnx', rows: [], notes: ['skipped: needs --peers (the reference Python environment)'] }, raw: null };
      const sizes = args.quick ? { batches: [1], iterations: 1 } : args.modelBatches ? { batches: args.modelBatches } : {};
      try {
        const { raw, ...report } = await runOnnxBench({ python, ...sizes });
        return { report, raw };
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        return { report: { name: 'onnx', rows: [], notes: [`not run: ${message}`] }, raw: null };
      }
    }
    case 'stream': {
      const raw = await runStreamBench(args.quick ? { seconds: 5, windows: 1 } : {});
      return { report: streamBenchReport(raw), raw };
    }
  }
}

export async function runBenchmarks(argv: string[]): Promise<string> {
  const args = parseArgs(argv);
  const python = args.peers ? referencePython() : undefined;
  const resultsDir = path.join(packageRoot(), 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reports: BenchReport[] = [];
  for (const name of args.only) {
    process.stderr.write(`[bench] ${name}${python ? ' (with Python peers)' : ''}\n`);
    const { report, raw } = await runOne(name, args, python);
    reports.push(report);
    fs.writeFileSync(path.join(resultsDir, `${name}-${stamp}.json`), `${JSON.stringify({ machine, report, raw }, null, 2)}\n`);
  }
  const table = markdownTable(reports, machine);
  fs.writeFileSync(path.join(resultsDir, `summary-${stamp}.md`), `${table}\n`);
  return table;
}

if (require.main === module) {
  runBenchmarks(process.argv.slice(2)).then(
    (table) => process.stdout.write(`${table}\n`),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
