/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with the loss
 * and learning-rate curves, every evaluation's metrics, the confusion matrix with class names, the
 * run's settings and its timings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClassificationReport, EvaluationReport } from '../metrics/evaluation-report';
import type { TrainerState } from '../train/trainer-state';
import { trainingArgumentsToJson, type TrainingArguments } from '../train/training-args';
import { confusionMatrixSvg, escapeHtml, lineChart } from './svg';

export interface ReportInput {
  args: TrainingArguments;
  state: TrainerState;
  evaluation: EvaluationReport | null;
  classNames: string[];
  timings: { trainSeconds: number; evalSeconds: number; saveSeconds: number; dataWaitMs: number };
  numParameters: number;
  title?: string;
  /** Trusted HTML (already escaped) shown after the evaluations, e.g. writeReconstructionFigures's fragment. */
  figures?: string;
}

export const REPORT_FILE = 'report.html';

function fmt(value: unknown): string {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(3) : value.toFixed(4);
  if (value === null || value === undefined) return '—';
  return escapeHtml(String(value));
}

function table(headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${fmt(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function evalSection(state: TrainerState): string {
  const evals = state.logHistory.filter((e) => Object.keys(e).some((k) => k.startsWith('eval_')));
  if (!evals.length) return '<p>No evaluation during training.</p>';
  const keys = [...new Set(evals.flatMap((e) => Object.keys(e)))].filter((k) => k.startsWith('eval_') && !/runtime|per_second/.test(k));
  const chart = lineChart(
    'Evaluation',
    'step',
    keys.slice(0, 4).map((k, i) => ({
      name: k,
      color: ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'][i],
      points: evals.map((e) => [e.step, e[k]] as [number, number]),
    })),
  );
  return (
    chart +
    table(
      ['step', 'epoch', ...keys],
      evals.map((e) => [e.step, e.epoch, ...keys.map((k) => e[k])]),
    )
  );
}

function classSection(title: string, report: ClassificationReport, names: string[]): string {
  const rows = report.perClass.precision.map((_, c) => [
    names[c] ?? String(c),
    report.perClass.precision[c],
    report.perClass.recall[c],
    report.perClass.f1[c],
    report.perClass.support[c],
  ]);
  rows.push(['macro avg', report.macro.precision, report.macro.recall, report.macro.f1, report.numSamples]);
  rows.push(['weighted avg', report.weighted.precision, report.weighted.recall, report.weighted.f1, report.numSamples]);
  const topK = Object.entries(report.topK)
    .map(([k, v]) => `, top-${k} ${fmt(v)}`)
    .join('');
  return `<h3>${escapeHtml(title)}: accuracy ${fmt(report.accuracy)} on ${report.numSamples}${topK}</h3>
<div class="row"><div>${confusionMatrixSvg(report.confusionMatrix, names)}</div><div>${table(['class', 'precision', 'recall', 'f1', 'support'], rows)}</div></div>`;
}

export function renderTrainingReport(input: ReportInput): string {
  const { args, state, evaluation, classNames, timings } = input;
  const trainLogs = state.logHistory.filter((e) => e.loss !== undefined);
  const summary = state.logHistory.find((e) => e.train_runtime !== undefined);
  const settings = Object.entries(trainingArgumentsToJson(args)).map(([k, v]) => [k, v]);
  const timingRows = [
    ['training (wall)', `${timings.trainSeconds.toFixed(1)} s`],
    ['evaluation', `${timings.evalSeconds.toFixed(1)} s`],
    ['checkpoint saving', `${timings.saveSeconds.toFixed(1)} s`],
    ['waiting for data', `${(timings.dataWaitMs / 1000).toFixed(1)} s`],
    ...(summary ? Object.entries(summary).map(([k, v]) => [k, v]) : []),
  ];
  const best =
    state.bestMetric === null
      ? 'none'
      : `${fmt(state.bestMetric)} at step ${state.bestGlobalStep} (${escapeHtml(state.bestModelCheckpoint ?? '')})`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title ?? 'videomae training report')}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}h2{border-bottom:1px solid #ddd}</style>
</head><body>
<h1>${escapeHtml(input.title ?? 'videomae training report')}</h1>
<p>Output: ${escapeHtml(args.outputDir)} · ${state.globalStep} of ${state.maxSteps} steps · epoch ${fmt(state.epoch)} · ${input.numParameters.toLocaleString('en-US')} parameters · best ${escapeHtml(args.metricForBestModel ?? 'metric')}: ${best}</p>
<h2>Training</h2>
<div class="row">
${lineChart('Training loss', 'step', [{ name: 'loss', color: '#1f77b4', points: trainLogs.map((e) => [e.step, e.loss] as [number, number]) }])}
${lineChart('Learning rate', 'step', [{ name: 'learning_rate', color: '#ff7f0e', points: trainLogs.map((e) => [e.step, e.learning_rate] as [number, number]) }])}
</div>
<h2>Evaluations</h2>
${evalSection(state)}
<h2>Last evaluation</h2>
${evaluation ? classSection('Per clip', evaluation.clip, classNames) + (evaluation.video ? classSection('Per video', evaluation.video, classNames) : '') : '<p>No evaluation.</p>'}
${input.figures ? `${input.figures}\n` : ''}<h2>Timings</h2>
${table(['what', 'value'], timingRows)}
<h2>Settings</h2>
${table(['argument', 'value'], settings)}
</body></html>
`;
}

export function writeTrainingReport(outputDir: string, input: ReportInput): string {
  const file = path.join(outputDir, REPORT_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, renderTrainingReport(input));
  fs.renameSync(tmp, file);
  return file;
}
