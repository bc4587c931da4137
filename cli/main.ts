/**
 * `npx sspr`: the helpdesk and operations CLI (issue 10). runCli is the whole program over an injected CliIo (tests
 * drive it in-process); runFromProcess wires it to the real process (cli/sspr.mjs, the package's bin).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Operator } from '../functions/core/helpdesk.js';
import { COMMANDS, commandHelp, mainHelp, type ParsedOptions, parseCommandLine } from './args.js';
import type { Backend } from './backend.js';
import {
  auditCommand,
  type CommandContext,
  exportAuditCommand,
  reportActivityCommand,
  reportEnrollmentCommand,
  statusCommand,
  unblockCommand,
  unenrollCommand,
} from './commands.js';
import { doctorCommand } from './doctor.js';
import { CliError, EXIT, explain } from './errors.js';
import { type CliIo, processIo } from './io.js';
import { openLocalBackend } from './localBackend.js';

const REPO_ROOT = resolve(new URL('..', import.meta.url).pathname);

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0';
  } catch {
    return '0';
  }
}

/** Who acts: --operator, else SSPR_OPERATOR, else the OS user at this host. */
export function operatorFrom(options: ParsedOptions, env: Record<string, string | undefined>): Operator {
  let name = options.operator ?? env.SSPR_OPERATOR;
  if (name === undefined) {
    let user: string;
    try {
      user = userInfo().username;
    } catch {
      user = env.USER ?? env.USERNAME ?? 'unknown';
    }
    name = `${user}@${hostname()}`;
  }
  name = name.trim();
  if (name === '' || name.length > 128 || /\p{Cc}/u.test(name)) {
    throw new CliError('--operator must be 1–128 printable characters', EXIT.USAGE);
  }
  return {
    name,
    address: `cli:${hostname()}`,
    tool: `sspr-cli/${version()}`,
    requestId: `cli-${randomBytes(9).toString('base64url')}`,
  };
}

export interface CliDependencies {
  /** Tests: open the backend another way (default: local, or deployed with --stack). */
  openBackend?: (options: ParsedOptions, io: CliIo) => Promise<Backend>;
}

export async function openBackend(options: ParsedOptions, io: CliIo): Promise<Backend> {
  if (options.stack !== undefined) {
    const { openDeployedBackend } = await import('./deployedBackend.js');
    return openDeployedBackend({
      stackName: options.stack,
      ...(options.config ? { configFile: options.config } : {}),
      repoRoot: REPO_ROOT,
      cwd: io.cwd,
    });
  }
  if (options.config !== undefined) {
    throw new CliError('--config is for --stack; the local stack reads SSPR_CONFIG', EXIT.USAGE);
  }
  return openLocalBackend({
    dataDir: resolve(io.cwd, options['data-dir'] ?? io.env.SSPR_DATA_DIR ?? '.sspr'),
    env: io.env,
  });
}

/** Runs one command line; returns the exit code (docs/helpdesk.md). Never throws. */
export async function runCli(argv: string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  let backend: Backend | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      io.stdout(parsed.command ? commandHelp(parsed.command) : mainHelp());
      return EXIT.OK;
    }
    const { command, args, options } = parsed;
    const open = dependencies.openBackend ?? openBackend;
    if (command === 'doctor') return await doctorCommand({ io, options, openBackend: () => open(options, io) });
    backend = await open(options, io);
    const context: CommandContext = { backend, io, options, operator: () => operatorFrom(options, io.env) };
    const [user] = args;
    try {
      switch (command) {
        case 'status':
          await statusCommand(context, user ?? '');
          break;
        case 'unblock':
          await unblockCommand(context, user ?? '');
          break;
        case 'unenroll':
          await unenrollCommand(context, user ?? '');
          break;
        case 'audit':
          await auditCommand(context, user);
          break;
        case 'report enrollment':
          await reportEnrollmentCommand(context);
          break;
        case 'report activity':
          await reportActivityCommand(context);
          break;
        case 'export audit':
          await exportAuditCommand(context);
          break;
        default:
          throw new CliError(`no such command: ${String(command satisfies never)}`, EXIT.USAGE);
      }
    } catch (error) {
      throw explain(error, { table: backend.table, store: backend.storeLocation });
    }
    return EXIT.OK;
  } catch (error) {
    const failure = explain(error);
    io.stderr(`sspr: ${failure.message}\n`);
    if (failure.exitCode === EXIT.FAILURE && io.env.SSPR_DEBUG && error instanceof Error && error.stack) {
      io.stderr(`${error.stack}\n`);
    }
    return failure.exitCode;
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

/** The bin's entry: real streams, then the exit code once stdout and stderr are flushed. */
export async function runFromProcess(): Promise<void> {
  // `npx sspr audit --all | head`: a reader that went away is no error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT.OK);
      throw error;
    });
  }
  const code = await runCli(process.argv.slice(2), processIo());
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((done) => stream.write('', () => done()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

export { COMMANDS };
