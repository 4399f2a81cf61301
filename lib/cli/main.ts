/**
 * The `videomae` command line. Each command lives in lib/cli/commands/<name>.ts and registers
 * itself on the program; errors print as one line (stack with --verbose) and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { isVideomaeError } from '../errors';
import { registerBenchCommand } from './commands/bench';
import { registerDemoCommand } from './commands/demo';
import { registerDownloadCommand } from './commands/download';
import { registerEvaluateCommand } from './commands/evaluate';
import { registerHubAuthCommands } from './commands/hub-auth';
import { registerInfoCommand } from './commands/info';
import { registerPredictCommand } from './commands/predict';
import { registerPretrainCommand } from './commands/pretrain';
import { registerProbeCommand } from './commands/probe';
import { registerPushCommand } from './commands/push';
import { registerSynthCommand } from './commands/synth';
import { registerTrainCommand } from './commands/train';

const COMMANDS: Array<(program: Command) => void> = [
  registerInfoCommand,
  registerProbeCommand,
  registerSynthCommand,
  registerTrainCommand,
  registerPretrainCommand,
  registerEvaluateCommand,
  registerPredictCommand,
  registerDemoCommand,
  registerBenchCommand,
  registerHubAuthCommands,
  registerDownloadCommand,
  registerPushCommand,
];

export function buildProgram(): Command {
  const program = new Command('videomae')
    .description('Fine-tune and run VideoMAE video classifiers (libtorch + FFmpeg, natively in Node.js)')
    .option('--verbose', 'print stack traces on errors')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command may set a specific exit status (e.g. 130 after a SIGINT-interrupted training).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const verbose = argv.includes('--verbose');
    const code = isVideomaeError(error) ? ` [${error.code}]` : '';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`videomae: ${message}${code}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
