/** What the CLI needs from its process, as a port: tests inject stdin answers and capture the output. */
import { createInterface } from 'node:readline';
import { CliError, EXIT } from './errors.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** One line from stdin, without its end of line; null at the end of input. */
  readLine(): Promise<string | null>;
  /** Whether stderr is a terminal: progress is drawn only then. */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The process's streams. stdin is read lazily, line by line, only when a prompt asks. */
export function processIo(): CliIo {
  let lines: AsyncIterator<string> | undefined;
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readLine: async () => {
      lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
      const next = await lines.next();
      return next.done ? null : next.value;
    },
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Asks on stderr and reads the answer from stdin: only `y` or `yes` (any case) goes on. With `--yes` nothing is asked.
 * No answer (end of input, e.g. a script without --yes) is a no.
 */
export async function confirm(io: CliIo, question: string, assumeYes: boolean): Promise<void> {
  if (assumeYes) return;
  io.stderr(`${question} [y/N] `);
  const answer = await io.readLine();
  if (answer === null) {
    io.stderr('\n');
    throw new CliError('no answer on stdin: nothing changed (use --yes to confirm in scripts)', EXIT.ABORTED);
  }
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError('not confirmed: nothing changed', EXIT.ABORTED);
}

export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

const SILENT: Progress = { update: () => undefined, done: () => undefined };

/** A one-line progress bar on stderr, redrawn at most every 100 ms; nothing at all when stderr is not a terminal. */
export function progress(io: CliIo, label: string): Progress {
  if (!io.stderrIsTTY) return SILENT;
  let last = 0;
  let drawn = false;
  const draw = (done: number, total?: number) => {
    const width = 30;
    const bar =
      total && total > 0
        ? `[${'#'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '.')}] ${done}/${total}`
        : `${done}`;
    io.stderr(`\r${label} ${bar}\u001b[K`);
    drawn = true;
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && (total === undefined || done < total)) return;
      last = now;
      draw(done, total);
    },
    done() {
      if (drawn) io.stderr('\r\u001b[K');
    },
  };
}
