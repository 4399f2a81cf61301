import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderTrainingReport, writeTrainingReport } from '../../lib/report/html';
import { evaluationReport } from '../../lib/metrics/evaluation-report';
import { TrainerState } from '../../lib/train/trainer-state';
import { resolveTrainingArguments } from '../../lib/train/training-args';

function input() {
  const state = new TrainerState();
  state.globalStep = 4;
  state.maxSteps = 4;
  state.logHistory = [
    { loss: 1.2, learning_rate: 1e-4, grad_norm: 2, epoch: 0.5, step: 2 },
    { loss: 0.7, learning_rate: 5e-5, grad_norm: 1, epoch: 1, step: 4 },
    { eval_loss: 0.6, eval_accuracy: 0.75, eval_runtime: 1.5, epoch: 1, step: 4 },
  ];
  const evaluation = evaluationReport({
    predictions: Float32Array.from([2, 0, 0, 1, 3, 0, 5, 1]),
    numLabels: 2,
    labelIds: Int32Array.from([0, 1, 1, 0]),
    videoIds: null,
  });
  return {
    args: resolveTrainingArguments({ outputDir: '/tmp/x', learningRate: 1e-4 }),
    state,
    evaluation,
    classNames: ['Basket<ball>', 'Diving'],
    timings: { trainSeconds: 12.5, evalSeconds: 1.5, saveSeconds: 0.4, dataWaitMs: 800 },
    numParameters: 1234,
  };
}

describe('HTML report', () => {
  it('is self-contained: inline SVG charts, no scripts, no external resources', () => {
    const html = renderTrainingReport(input());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('aria-label="Training loss"');
    expect(html).toContain('aria-label="Learning rate"');
    expect(html).toContain('aria-label="confusion matrix"');
  });

  it('shows class names (escaped), the confusion matrix counts, eval metrics, settings and timings', () => {
    const html = renderTrainingReport(input());
    expect(html).toContain('Basket&lt;ball&gt;');
    expect(html).not.toContain('Basket<ball>');
    // predictions: [0, 1, 0, 0] vs labels [0, 1, 1, 0] → row 1 = [1, 1]
    expect(html).toMatch(/true Diving, predicted Basket&lt;ball&gt;: 1/);
    expect(html).toContain('accuracy 0.7500 on 4');
    expect(html).toContain('<th>eval_accuracy</th>');
    expect(html).toContain('<td>learning_rate</td><td>1.000e-4</td>');
    expect(html).toContain('<td>training (wall)</td><td>12.5 s</td>');
  });

  it('is written atomically into the output folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-report-'));
    const file = writeTrainingReport(dir, input());
    expect(file).toBe(path.join(dir, 'report.html'));
    expect(fs.readdirSync(dir)).toEqual(['report.html']);
  });
});
