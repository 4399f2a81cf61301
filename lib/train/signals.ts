/**
 * Graceful interruption: the first SIGINT/SIGTERM asks the trainer to stop after the current
 * optimizer step (it then saves a checkpoint); a second one exits at once with 128 + signal.
 */
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalGuard {
  /** The signal received, or null. */
  readonly received: NodeJS.Signals | null;
  dispose(): void;
}

export function exitCodeFor(signal: NodeJS.Signals | null): number {
  return signal ? (EXIT_CODES[signal] ?? 1) : 0;
}

export function installSignalGuard(onFirst: (signal: NodeJS.Signals) => void, log: (line: string) => void): SignalGuard {
  let received: NodeJS.Signals | null = null;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      log(`videomae: second ${signal}, exiting without waiting for the step to finish`);
      process.exit(exitCodeFor(signal));
    }
    received = signal;
    log(`videomae: ${signal} received; stopping after the current step and saving a checkpoint (send it again to exit at once)`);
    onFirst(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get received() {
      return received;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
