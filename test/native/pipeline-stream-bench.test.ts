/** bench/stream runs end to end on the tiny checkpoint and its accounting adds up (no timing assertions). */
import { runStreamBench, streamBenchReport } from '../../bench/stream';
import { TINY_MODEL } from './pipeline-helpers';

it('runStreamBench reports latency, a sustainable rate and consistent window accounting', async () => {
  const result = await runStreamBench({ model: TINY_MODEL, fps: 20, seconds: 1, width: 64, height: 48, windows: 1 });
  expect(result.settings).toMatchObject({ fps: 20, window: 8, stride: 4, numFrames: 4, imageSize: 32 });
  const due = Math.floor((result.live.framesIn - 8) / 4) + 1;
  expect(result.live.predictions + result.live.skippedWindows).toBe(due);
  expect(result.live.predictions).toBeGreaterThan(0);
  expect(result.sustainableFps).toBeGreaterThan(0);
  expect(result.live.latencyMs.p95).toBeGreaterThanOrEqual(result.live.latencyMs.p50);
  const report = streamBenchReport(result);
  expect(report.rows.map((r) => r.unit)).toEqual(['fps', 'ms']);
}, 60_000);
