/**
 * The shape every benchmark returns, so that `npm run bench` can print one table of ratios.
 * A row compares this package with each Python peer on one case; `ratio` in the table is
 * always "how many times better videomae is" (peer/ours for times, ours/peer for rates).
 */
import * as os from 'node:os';

export interface BenchRow {
  /** What was measured, e.g. "decode 16 frames @224, UCF101-like avi, 1 thread". */
  case: string;
  unit: string;
  higherIsBetter: boolean;
  ours: number;
  /** Peer name → its figure on the same case in the same run (null: not runnable here). */
  peers: Record<string, number | null>;
}

export interface BenchReport {
  name: string;
  rows: BenchRow[];
  notes: string[];
  details?: unknown;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** "× better" for one peer figure; null when the peer did not run. */
export function advantage(row: BenchRow, peer: number | null): number | null {
  if (peer === null || peer === 0 || row.ours === 0) return null;
  return row.higherIsBetter ? row.ours / peer : peer / row.ours;
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A markdown table: one line per (case, peer). */
export function markdownTable(reports: BenchReport[], machine: MachineInfo): string {
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`,
    '',
    '| benchmark | case | videomae | peer | peer figure | videomae advantage |',
    '|---|---|---|---|---|---|',
  ];
  for (const report of reports) {
    for (const row of report.rows) {
      const peers = Object.entries(row.peers);
      if (peers.length === 0) peers.push(['—', null]);
      for (const [peer, figure] of peers) {
        const ratio = advantage(row, figure);
        lines.push(
          `| ${report.name} | ${row.case} | ${formatNumber(row.ours)} ${row.unit} | ${peer} | ${figure === null ? 'not run' : `${formatNumber(figure)} ${row.unit}`} | ${ratio === null ? '—' : `${ratio.toFixed(2)}×`} |`,
        );
      }
    }
  }
  return lines.join('\n');
}
