/**
 * The bench's one table: a row per measured figure, with its budget and whether it passed. Printed as text, written
 * as JSON and Markdown under bench/results/. The JSON shape is stable (version 1): other tools may read it.
 */

export interface Row {
  /** e.g. "1 Bundles" */
  section: string;
  /** e.g. "startReset: minified size" */
  name: string;
  /** The measured figure as people read it, with units (or why there is none: "not built yet", "needs SSPR_TEST_AD"). */
  figure: string;
  /** The budget as people read it, e.g. "≤ 450 KiB". */
  budget: string;
  pass: boolean;
  /** The number the budget is checked against, in `unit`; null when nothing was measured. */
  value: number | null;
  unit: string;
  /** How it was measured, or why it was not. */
  note?: string;
}

export interface Report {
  version: 1;
  startedAt: string;
  wallSeconds: number;
  machine: {
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    /** The 1-minute load average at the start and the end of the run: other work on the machine skews timings. */
    loadAverage: [number, number];
    freeMemoryGiB: number;
    /** Whether the Samba AD parts ran (SSPR_TEST_AD). */
    samba: boolean;
  };
  passed: number;
  failed: number;
  rows: Row[];
}

export function buildReport(rows: Row[], startedAt: Date, wallSeconds: number, machine: Report['machine']): Report {
  const passed = rows.filter((row) => row.pass).length;
  return {
    version: 1,
    startedAt: startedAt.toISOString(),
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    machine,
    passed,
    failed: rows.length - passed,
    rows,
  };
}

const HEADERS = ['section', 'row', 'figure', 'budget', 'pass'] as const;

function cells(row: Row): string[] {
  return [row.section, row.name, row.figure, row.budget, row.pass ? 'true' : 'false'];
}

/** A plain-text table with aligned columns, for the terminal. */
export function formatText(report: Report): string {
  const body = report.rows.map(cells);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...body.map((line) => (line[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [
    line(HEADERS),
    rule,
    ...body.map(line),
    rule,
    `${report.passed} passed, ${report.failed} not passed; ${report.wallSeconds} s`,
  ].join('\n');
}

/** Pipes and line breaks would break a Markdown table cell. */
function mdCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function formatMarkdown(report: Report): string {
  const { machine } = report;
  // One line per distinct note: rows measured the same way share it.
  const notes = new Map<string, Row[]>();
  for (const row of report.rows) if (row.note) notes.set(row.note, [...(notes.get(row.note) ?? []), row]);
  return [
    '# `npm run bench`',
    '',
    `Run ${report.startedAt}, ${report.wallSeconds} s, on Node ${machine.node} (${machine.platform}), ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, load average ${machine.loadAverage[0]} → ` +
      `${machine.loadAverage[1]}; Samba AD parts ${machine.samba ? 'ran' : 'not run (SSPR_TEST_AD unset)'}. ` +
      `${report.passed} rows passed, ${report.failed} not passed. Budgets: DESIGN.md §10.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map(() => '---').join(' | ')} |`,
    ...report.rows.map((row) => `| ${cells(row).map(mdCell).join(' | ')} |`),
    '',
    ...(notes.size > 0
      ? [
          '## How the rows were measured',
          '',
          ...[...notes].map(([note, rows]) => {
            const first = rows[0] as Row;
            const which = rows.length === 1 ? first.name : `${rows.length} rows, e.g. ${first.name}`;
            return `- **${mdCell(first.section)} — ${mdCell(which)}**: ${mdCell(note)}`;
          }),
        ]
      : []),
    '',
  ].join('\n');
}
