/**
 * `npm run bench` (DESIGN §10, issue 9): runs every section, prints one table and writes it to
 * bench/results/bench.json and bench/results/bench.md. Each row carries its figure, its budget and whether it passed.
 * The Samba AD parts run when SSPR_TEST_AD is set (`bash scripts/samba-ad.sh start`); without it those rows say so.
 * The exit code is 1 when any row did not pass.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sambaEnvIfEnabled } from './api.js';
import { bundleRows, bundleRowsNotBuilt, cdkAppExists } from './bundles.js';
import { connectionRows, connectionRowsSkipped } from './connections.js';
import { enumerationRows } from './enumeration.js';
import { hashRows } from './hash.js';
import { loadRows } from './load.js';
import { possessionEnumerationRows } from './possessionEnumeration.js';
import { possessionStepRows } from './possessionSteps.js';
import { proofTimingRows } from './proofTiming.js';
import { buildReport, formatMarkdown, formatText, type Row } from './report.js';
import { MEMORY_PLAN, SAMBA_PLAN, stepRows } from './steps.js';

const RESULTS = resolve(import.meta.dirname, 'results');

async function section(name: string, rows: Row[], measure: () => Promise<Row[]>): Promise<void> {
  const began = performance.now();
  process.stderr.write(`bench: ${name} …\n`);
  try {
    rows.push(...(await measure()));
  } catch (error) {
    rows.push({
      section: name,
      name: 'section failed',
      figure: `error: ${(error as Error).message.split('\n')[0]?.slice(0, 300)}`,
      budget: 'runs',
      pass: false,
      value: null,
      unit: '',
    });
    process.stderr.write(`bench: ${name} failed: ${(error as Error).stack}\n`);
  }
  process.stderr.write(`bench: ${name} done in ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
}

async function main() {
  const startedAt = new Date();
  const began = performance.now();
  const load = loadavg()[0] ?? 0;
  const samba = sambaEnvIfEnabled();
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const wanted = (key: string) => !only || only.includes(key);
  const rows: Row[] = [];

  if (wanted('bundles')) {
    await section('1 Bundles', rows, async () => (cdkAppExists() ? bundleRows(samba) : bundleRowsNotBuilt()));
  }
  if (wanted('hash')) await section('3 Hash', rows, () => hashRows());
  if (wanted('steps')) {
    await section('2 Steps (in-memory directory)', rows, () => stepRows('memory', MEMORY_PLAN, null));
    await section('2 Steps (Samba AD)', rows, async () =>
      samba ? stepRows('samba', SAMBA_PLAN, samba) : [stepsSambaSkipped()],
    );
  }
  // BENCH_ONLY=possession runs the possession rows of sections 2 and 6 alone.
  if (wanted('steps') || wanted('possession')) {
    await section('2 Steps (possession methods)', rows, () => possessionStepRows());
  }
  if (wanted('load')) await section('4 Load', rows, () => loadRows());
  if (wanted('connections')) {
    await section('5 Connection reuse', rows, async () => (samba ? connectionRows(samba) : connectionRowsSkipped()));
  }
  if (wanted('enumeration')) {
    await section('6 Enumeration timing', rows, () => enumerationRows());
    await section('6 Enumeration timing (password proofs)', rows, () => proofTimingRows(samba));
  }
  if (wanted('enumeration') || wanted('possession')) {
    await section('6 Enumeration timing (possession methods)', rows, () => possessionEnumerationRows());
  }

  const order = (row: Row) => Number.parseInt(row.section, 10) || 99;
  rows.sort((a, b) => order(a) - order(b));
  const report = buildReport(rows, startedAt, (performance.now() - began) / 1000, {
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    loadAverage: [Math.round(load * 100) / 100, Math.round((loadavg()[0] ?? 0) * 100) / 100],
    freeMemoryGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    samba: samba !== null,
  });
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(RESULTS, 'bench.md'), formatMarkdown(report));
  process.stdout.write(`${formatText(report)}\n`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}

function stepsSambaSkipped(): Row {
  return {
    section: '2 Steps (local stack, Samba AD)',
    name: 'API steps against Samba AD',
    figure: 'needs SSPR_TEST_AD',
    budget: 'p50 ≤ 20 ms, p99 ≤ 60 ms (excl. hash)',
    pass: false,
    value: null,
    unit: 'ms',
    note: 'Runs with `bash scripts/samba-ad.sh start` and `SSPR_TEST_AD=1 npm run bench`.',
  };
}

await main();
