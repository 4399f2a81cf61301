/**
 * What the trainer prints: a one-line progress bar on a terminal, JSON lines otherwise (one object
 * per log entry, easy to pipe into jq or a dashboard).
 */
import type { CallbackEvent, TrainerCallback } from './callbacks';
import type { TrainingArguments } from './training-args';
import type { TrainerControl, TrainerState } from './trainer-state';

interface Writable {
  write(chunk: string): unknown;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

export class ProgressCallback implements TrainerCallback {
  private started = 0;
  private last = '';

  constructor(private readonly stream: Writable = process.stderr) {}

  onTrainBegin(): void {
    this.started = Date.now();
  }

  onStepEnd(_args: TrainingArguments, state: TrainerState): void {
    const width = 30;
    const done = Math.min(1, state.globalStep / Math.max(1, state.maxSteps));
    const filled = Math.round(done * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = done > 0 ? elapsed / done - elapsed : 0;
    const bar = `${'█'.repeat(filled)}${' '.repeat(width - filled)}`;
    this.stream.write(
      `\r${(done * 100).toFixed(0).padStart(3)}%|${bar}| ${state.globalStep}/${state.maxSteps} [${clock(elapsed)}<${clock(eta)}]${this.last}\x1b[K`,
    );
  }

  onLog(_args: TrainingArguments, _state: TrainerState, _control: TrainerControl, event: CallbackEvent): void {
    const logs = event.logs ?? {};
    const shown = Object.entries(logs).filter(([k]) => k !== 'step' && k !== 'epoch');
    if (logs.loss !== undefined) this.last = `, loss ${fmt(logs.loss)}`;
    this.stream.write(`\r\x1b[K{${shown.map(([k, v]) => `'${k}': ${fmt(v)}`).join(', ')}, 'epoch': ${fmt(logs.epoch ?? 0)}}\n`);
  }

  onTrainEnd(): void {
    this.stream.write('\n');
  }
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One JSON object per line: {"event":"log", …entry} / {"event":"save","checkpoint":…}. */
export class JsonLinesCallback implements TrainerCallback {
  constructor(private readonly stream: Writable = process.stdout) {}

  onLog(_args: TrainingArguments, _state: TrainerState, _control: TrainerControl, event: CallbackEvent): void {
    this.stream.write(`${JSON.stringify({ event: 'log', ...event.logs })}\n`);
  }

  onSave(_args: TrainingArguments, state: TrainerState, _control: TrainerControl, event: CallbackEvent): void {
    this.stream.write(`${JSON.stringify({ event: 'save', step: state.globalStep, checkpoint: event.checkpoint })}\n`);
  }
}
