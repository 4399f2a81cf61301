/**
 * The terminal progress bar hubDownload draws on stderr while a blob downloads (when stderr is a TTY
 * and HF_HUB_DISABLE_PROGRESS_BARS is unset, or as `progress` asks). Kept apart from
 * hub-download.ts because it is display, not fetching: it knows only a label, byte counts and
 * process.stderr.
 */

/** A one-line bar on stderr: name, %, bytes, rate; redrawn at most 10 times a second. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly startBytes: number,
  ) {}

  update(bytes: number, final = false): void {
    const now = Date.now();
    if (!final && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = this.total > 0 ? Math.min(1, bytes / this.total) : 1;
    const rate = (bytes - this.startBytes) / Math.max(0.001, (now - this.started) / 1000);
    const filled = Math.round(fraction * 20);
    const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% |${'█'.repeat(filled)}${' '.repeat(20 - filled)}| ${formatBytes(bytes)}/${formatBytes(this.total)} ${formatBytes(rate)}/s`;
    const room = Math.max(10, (process.stderr.columns || 80) - tail.length - 1);
    const label = this.label.length > room ? `…${this.label.slice(-(room - 1))}` : this.label;
    process.stderr.write(`\r${label}${tail}\x1b[K${final ? '\n' : ''}`);
  }
}

function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i += 1;
  }
  return i === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[i]}`;
}
