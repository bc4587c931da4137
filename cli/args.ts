/** The CLI's commands, their options and help texts, and the parsing of a command line. Pure. */
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './errors.js';

export type CommandName =
  | 'status'
  | 'unblock'
  | 'unenroll'
  | 'audit'
  | 'report enrollment'
  | 'report activity'
  | 'export audit'
  | 'doctor';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  all: { type: 'boolean' },
  since: { type: 'string' },
  event: { type: 'string' },
  out: { type: 'string', short: 'o' },
  operator: { type: 'string' },
  stack: { type: 'string' },
  config: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

export interface ParsedOptions {
  help?: boolean;
  yes?: boolean;
  json?: boolean;
  csv?: boolean;
  all?: boolean;
  since?: string;
  event?: string;
  out?: string;
  operator?: string;
  stack?: string;
  config?: string;
  'data-dir'?: string;
}

/** Options every command takes: where to act. */
const GLOBAL: OptionName[] = ['help', 'stack', 'config', 'data-dir'];

interface CommandSpec {
  summary: string;
  usage: string[];
  /** Positional arguments after the command words. */
  args: { min: number; max: number };
  options: OptionName[];
  details: string[];
}

const WHERE = [
  'Where (every command):',
  '  (default)          the local stack: SSPR_DATA_DIR (default .sspr) of a running `npm start`, SSPR_CONFIG, and',
  '                     SSPR_LDAP_* for a real AD, exactly as `npm start` reads them',
  '  --data-dir DIR     another local data folder',
  '  --stack NAME       a deployed stack: its CloudFormation outputs, AWS credentials from the usual chain',
  '  --config FILE      the deploy config for --stack (default: the cdk.json context key "config")',
];

const OPERATOR = [
  '  --operator NAME    who you are, for the audit trail (default: SSPR_OPERATOR, else your OS user@host)',
  '  -y, --yes          do not ask for confirmation (scripts)',
];

export const COMMANDS: Record<CommandName, CommandSpec> = {
  status: {
    summary: 'enrollment, contacts (masked), block, failure counts, AD lockout and eligibility of one user',
    usage: ['sspr status <user> [--json]'],
    args: { min: 1, max: 1 },
    options: ['json'],
    details: [
      '<user> as the user types it: alice, CORP\\alice or alice@<UPN suffix>.',
      '  --json             one JSON object instead of the text',
    ],
  },
  unblock: {
    summary: 'lift a self-service block and clear the failure counts (asks first)',
    usage: ['sspr unblock <user> [--yes] [--operator NAME]'],
    args: { min: 1, max: 1 },
    options: ['yes', 'operator', 'json'],
    details: [
      'Lifts the block that wrong answers or codes put on self-service and clears both failure counts, so the user',
      'can try again at once. It does not unlock the AD account (self-service unlock, or your AD tools, do that).',
      'Audited as helpdesk-unblock with your identity. Nothing to do (not blocked, no failures): exit 0, no change.',
      ...OPERATOR,
      '  --json             the result as JSON',
    ],
  },
  unenroll: {
    summary: "remove a user's enrollment and tell the user on every channel (asks first)",
    usage: ['sspr unenroll <user> [--yes] [--operator NAME]'],
    args: { min: 1, max: 1 },
    options: ['yes', 'operator', 'json'],
    details: [
      'Removes the security answers and contacts; the user is told by e-mail (directory mail and verified e-mails)',
      'and SMS (verified phones, else the directory mobile, within the SMS caps). The user enrolls again with their',
      'AD password. Audited as helpdesk-unenroll with your identity. Not enrolled: exit 0, no change.',
      ...OPERATOR,
      '  --json             the result as JSON',
    ],
  },
  audit: {
    summary: "a user's audit trail, or everyone's",
    usage: [
      'sspr audit <user> [--since 7d] [--event NAME] [--json | --csv]',
      'sspr audit --all [--since 24h] [--event NAME] [--json | --csv]',
    ],
    args: { min: 0, max: 1 },
    options: ['all', 'since', 'event', 'json', 'csv'],
    details: [
      '  --since WHEN       a duration back from now (30m, 24h, 7d, 2w) or a UTC date (2026-03-01);',
      '                     default: everything kept for a user, 24h with --all',
      '  --event NAME       only events with this name or outcome (e.g. block, blocked, start, helpdesk-unblock)',
      '  --all              every user (a scan of the table: shows progress on a terminal)',
      '  --json             JSON lines, one event per line; --csv for a spreadsheet',
    ],
  },
  'report enrollment': {
    summary: 'every user under the search bases: eligible, enrolled, with totals',
    usage: ['sspr report enrollment [--csv | --json]'],
    args: { min: 0, max: 0 },
    options: ['csv', 'json'],
    details: [
      'Eligible = may use self-service reset/unlock (the start rules: not protected, disabled, expired, outside logon',
      'hours, cannot-change-password). Reads every user from the directory and scans the table (progress on a terminal).',
      '  --csv              CSV with a header line; --json JSON lines with a final {"type":"totals"} line',
    ],
  },
  'report activity': {
    summary: 'audit events counted per day, event and outcome',
    usage: ['sspr report activity [--since 30d] [--csv | --json]'],
    args: { min: 0, max: 0 },
    options: ['since', 'csv', 'json'],
    details: ['  --since WHEN       default 30d', '  --csv, --json      CSV or JSON lines instead of the table'],
  },
  'export audit': {
    summary: 'audit events as JSON lines, for a SIEM',
    usage: ['sspr export audit [--since 30d] [--out FILE]'],
    args: { min: 0, max: 0 },
    options: ['since', 'out'],
    details: [
      'One JSON object per line, oldest first: time, at (ms), subject, event, outcome, reason, sourceAddress,',
      'userAgent, requestId, operator. The file is written whole (mode 0600) or not at all.',
      '  --since WHEN       default 30d',
      '  --out FILE         default: standard output',
    ],
  },
  doctor: {
    summary: 'check the config, the DCs (LDAPS, certificate, latency), the bind and the delegated rights',
    usage: ['sspr doctor [--json]'],
    args: { min: 0, max: 0 },
    options: ['json'],
    details: [
      'Changes nothing. Validates the config, connects to each DC over LDAPS with the configured CA (certificate',
      'subject, expiry, latency), binds as the service account, and checks each delegated right (DESIGN §9) in the',
      'DACLs of the search bases and of the Password Settings Container, printing the dsacls line for each one that',
      'is missing. Also reads the table. Exit 6 when anything is wrong.',
      '  --json             the checks as JSON',
    ],
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function mainHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((n) => n.length));
  return [
    'sspr — the helpdesk and operations tool of password self-service',
    '',
    'Usage: npx sspr <command> [options]      npx sspr <command> --help',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`),
    '',
    ...WHERE,
    '',
    'Exit codes: 0 done · 1 unexpected error · 2 usage · 3 user not found · 4 not confirmed · 5 cannot reach the',
    'store, the directory or AWS (or the config is invalid) · 6 doctor found problems. See docs/helpdesk.md.',
    '',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  return [
    `sspr ${name} — ${spec.summary}`,
    '',
    ...spec.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}${u}`),
    '',
    ...spec.details,
    '',
    ...WHERE,
    '',
  ].join('\n');
}

export type ParsedCommandLine =
  | { kind: 'help'; command: CommandName | null }
  | { kind: 'command'; command: CommandName; args: string[]; options: ParsedOptions };

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  let parsed: { values: ParsedOptions; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new CliError(`${(error as Error).message.split('\n')[0]} (see npx sspr --help)`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  const [first, second, ...rest] = positionals;
  if (first === undefined || first === 'help') {
    const topic = first === 'help' ? [second, ...rest].join(' ') : '';
    if (topic) {
      const command = resolve(topic.split(' '));
      return { kind: 'help', command: command?.name ?? null };
    }
    if (values.help || first === 'help') return { kind: 'help', command: null };
    throw new CliError('no command given (see npx sspr --help)', EXIT.USAGE);
  }
  const command = resolve(positionals);
  if (!command) {
    const known = first === 'report' || first === 'export' ? `${first} ${second ?? ''}`.trim() : first;
    throw new CliError(`unknown command "${known}" (see npx sspr --help)`, EXIT.USAGE);
  }
  if (values.help) return { kind: 'help', command: command.name };
  const spec = COMMANDS[command.name];
  const args = positionals.slice(command.words);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!GLOBAL.includes(option) && !spec.options.includes(option)) {
      throw new CliError(
        `sspr ${command.name} does not take --${option} (see npx sspr ${command.name} --help)`,
        EXIT.USAGE,
      );
    }
  }
  if (args.length < spec.args.min || args.length > spec.args.max) {
    throw new CliError(`usage: ${spec.usage.join('\n       ')}`, EXIT.USAGE);
  }
  if (values.json && values.csv) throw new CliError('choose one of --json and --csv', EXIT.USAGE);
  if (command.name === 'audit' && (args.length === 1) === Boolean(values.all)) {
    throw new CliError('sspr audit takes either a <user> or --all', EXIT.USAGE);
  }
  if (values.stack !== undefined && values['data-dir'] !== undefined) {
    throw new CliError('--stack and --data-dir do not go together: one is deployed, the other local', EXIT.USAGE);
  }
  return { kind: 'command', command: command.name, args, options: values };
}

function resolve(words: string[]): { name: CommandName; words: number } | null {
  const [first, second] = words;
  if (first === 'report' || first === 'export') {
    const name = `${first} ${second ?? ''}` as CommandName;
    return COMMAND_NAMES.includes(name) ? { name, words: 2 } : null;
  }
  return first && COMMAND_NAMES.includes(first as CommandName) ? { name: first as CommandName, words: 1 } : null;
}
