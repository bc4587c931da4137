/** Runs the admin CLI in-process against a test stack: injected stdin answers, captured stdout and stderr. */
import type { CliIo } from '../../cli/io.js';
import { type CliDependencies, runCli } from '../../cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How many stdin lines the CLI read (a prompt reads one). */
  linesRead: number;
}

export interface CliRunOptions {
  /** Lines on stdin; after them, end of input. */
  input?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  tty?: boolean;
  dependencies?: CliDependencies;
}

export async function runSspr(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lines = [...(options.input ?? [])];
  let linesRead = 0;
  const io: CliIo = {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    readLine: async () => {
      linesRead++;
      return lines.length > 0 ? (lines.shift() ?? null) : null;
    },
    stderrIsTTY: options.tty ?? false,
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await runCli(argv, io, options.dependencies);
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), linesRead };
}
