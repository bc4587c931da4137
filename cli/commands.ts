/** The commands that act on users and the audit trail, over a Backend. Output goes to io.stdout; prompts and progress to io.stderr. */
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DirectoryAccount } from '../functions/core/directory.js';
import { isHiddenAccount } from '../functions/core/eligibility.js';
import { eligibilityGroups } from '../functions/core/groups.js';
import { lookUpUser, type Operator, unblockSubject, unenrollAccount } from '../functions/core/helpdesk.js';
import type { BlockReason } from '../functions/core/store.js';
import { accountSubject, unresolvedSubject } from '../functions/core/subjects.js';
import { reduceUsername } from '../functions/core/username.js';
import type { ParsedOptions } from './args.js';
import type { Backend } from './backend.js';
import { CliError, EXIT } from './errors.js';
import { formatTime, jsonLines, parseSince, printable } from './format.js';
import { type CliIo, confirm, progress } from './io.js';
import {
  activity,
  auditRecord,
  enrollmentReport,
  filterAudit,
  type OutputFormat,
  renderActivity,
  renderAudit,
  renderEnrollmentReport,
} from './reports.js';
import { buildStatus, renderStatus } from './status.js';

export interface CommandContext {
  backend: Backend;
  io: CliIo;
  options: ParsedOptions;
  /** Built on demand: only the commands that change something need it. */
  operator(): Operator;
}

function format(options: ParsedOptions): OutputFormat {
  return options.json ? 'json' : options.csv ? 'csv' : 'table';
}

async function findUser(context: CommandContext, typed: string) {
  const { backend } = context;
  const access = await backend.directory();
  const session = await access.directory.openSession();
  try {
    const lookup = await lookUpUser(session, access.directory.serviceAccountDn, backend.config, typed);
    // The directory stays open until the CLI ends: status reads the eligibility groups from it.
    if (lookup.found) return { ...lookup, directory: access.directory };
    if (lookup.name === null) {
      const d = backend.config.domain;
      throw new CliError(
        `"${printable(typed)}" is not a username of this domain (forms: alice, ${d.netbiosName}\\alice, alice@${d.upnSuffixes[0] ?? ''})`,
        EXIT.NOT_FOUND,
      );
    }
    throw new CliError(
      `user "${printable(typed)}" not found under the search bases (${backend.config.domain.searchBases.join('; ')})`,
      EXIT.NOT_FOUND,
    );
  } finally {
    await session.close();
  }
}

function who(account: DirectoryAccount): string {
  return `${account.sAMAccountName}${account.displayName ? ` (${printable(account.displayName)})` : ''}`;
}

export async function statusCommand(context: CommandContext, user: string): Promise<void> {
  const { backend, io } = context;
  const lookup = await findUser(context, user);
  const now = backend.clock.now();
  const [enrollment, block, answer, code] = await Promise.all([
    backend.store.getEnrollment(lookup.account.objectGuid),
    backend.store.getBlock(lookup.subject, now),
    backend.store.failureCount(lookup.subject, 'answer', now),
    backend.store.failureCount(lookup.subject, 'code', now),
  ]);
  const groups = await eligibilityGroups(lookup.directory, backend.config.eligibility, { nowMs: now });
  const report = buildStatus({
    account: lookup.account,
    enrollment,
    block,
    failures: { answer, code },
    config: backend.config,
    groups,
    now,
  });
  io.stdout(context.options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
}

export async function unblockCommand(context: CommandContext, user: string): Promise<void> {
  const { backend, io, options } = context;
  const lookup = await findUser(context, user);
  const now = backend.clock.now();
  const block = await backend.store.getBlock(lookup.subject, now);
  const answer = await backend.store.failureCount(lookup.subject, 'answer', now);
  const code = await backend.store.failureCount(lookup.subject, 'code', now);
  if (!block && answer === 0 && code === 0) {
    if (options.json) io.stdout(`${JSON.stringify({ user: lookup.account.sAMAccountName, changed: false })}\n`);
    else io.stdout(`${who(lookup.account)} is not blocked and has no failures: nothing to do\n`);
    return;
  }
  const what = block ? `blocked until ${formatTime(block.until)} UTC ${blockReasonWords(block.reason)}` : 'not blocked';
  io.stderr(`${who(lookup.account)}: ${what}; ${answer} wrong answers and ${code} wrong codes counted.\n`);
  await confirm(
    io,
    `Lift the block and clear the failure counts of ${lookup.account.sAMAccountName}?`,
    Boolean(options.yes),
  );
  const operator = context.operator();
  const result = await unblockSubject(
    { store: backend.store, clock: backend.clock, config: backend.config },
    operator,
    lookup.subject,
  );
  if (options.json) {
    io.stdout(
      `${JSON.stringify({
        user: lookup.account.sAMAccountName,
        changed: true,
        wasBlockedUntil: result.block ? new Date(result.block.until).toISOString() : null,
        failuresCleared: result.failures,
        operator: operator.name,
        requestId: operator.requestId,
      })}\n`,
    );
  } else {
    io.stdout(
      `${lookup.account.sAMAccountName}: ${result.block ? 'block lifted, ' : ''}failure counts cleared ` +
        `(audited as helpdesk-unblock by ${operator.name}, request ${operator.requestId})\n`,
    );
  }
}

export async function unenrollCommand(context: CommandContext, user: string): Promise<void> {
  const { backend, io, options } = context;
  const lookup = await findUser(context, user);
  const enrollment = await backend.store.getEnrollment(lookup.account.objectGuid);
  if (!enrollment) {
    if (options.json) io.stdout(`${JSON.stringify({ user: lookup.account.sAMAccountName, changed: false })}\n`);
    else io.stdout(`${who(lookup.account)} is not enrolled: nothing to do\n`);
    return;
  }
  io.stderr(
    `${who(lookup.account)}: enrolled since ${formatTime(enrollment.enrolledAt)} UTC with ` +
      `${enrollment.answers.length} answers and ${enrollment.contacts.length} contacts.\n`,
  );
  await confirm(
    io,
    `Remove the enrollment of ${lookup.account.sAMAccountName} and tell them by e-mail and SMS?`,
    Boolean(options.yes),
  );
  const operator = context.operator();
  const result = await unenrollAccount(
    { store: backend.store, outbox: await backend.outbox(), clock: backend.clock, config: backend.config },
    operator,
    lookup.account,
    enrollment,
  );
  if (!result.removed) {
    throw new CliError(
      result.reason === 'changed'
        ? `the enrollment of ${lookup.account.sAMAccountName} changed while you looked (the user enrolled again): nothing removed; run the command again`
        : `${lookup.account.sAMAccountName} is no longer enrolled: nothing removed`,
      EXIT.FAILURE,
    );
  }
  const { email, sms, smsSkipped } = result.notified;
  if (options.json) {
    io.stdout(
      `${JSON.stringify({
        user: lookup.account.sAMAccountName,
        changed: true,
        notified: result.notified,
        operator: operator.name,
        requestId: operator.requestId,
      })}\n`,
    );
  } else {
    io.stdout(
      `${lookup.account.sAMAccountName}: enrollment removed; told by ${email} e-mail and ${sms} SMS` +
        `${smsSkipped > 0 ? ` (${smsSkipped} SMS over the daily caps, skipped)` : ''} ` +
        `(audited as helpdesk-unenroll by ${operator.name}, request ${operator.requestId})\n`,
    );
  }
}

/**
 * The subject a name's audit events are kept under: its account's sAMAccountName when it resolves, else the keyed hash
 * the request functions keep it under (core/subjects.ts), so a made-up name's trail is found without keeping it.
 */
async function auditSubject(context: CommandContext, typed: string): Promise<string> {
  const reduced = reduceUsername(typed, context.backend.config.domain);
  if (!reduced.ok) {
    throw new CliError(`"${printable(typed)}" is not a username of this domain`, EXIT.NOT_FOUND);
  }
  const access = await context.backend.directory();
  const session = await access.directory.openSession();
  try {
    const account = await session.findAccount(reduced.lookup);
    return account && !isHiddenAccount(account, access.directory.serviceAccountDn)
      ? accountSubject(account)
      : unresolvedSubject(await context.backend.decoyKey(), reduced.name);
  } finally {
    await session.close();
  }
}

export async function auditCommand(context: CommandContext, user: string | undefined): Promise<void> {
  const { backend, io, options } = context;
  const now = backend.clock.now();
  let events: Awaited<ReturnType<typeof backend.store.listAudit>>;
  let since: number;
  if (user !== undefined) {
    since = options.since ? parseSince(options.since, now) : 0;
    events = await backend.store.listAudit(await auditSubject(context, user));
  } else {
    since = parseSince(options.since ?? '24h', now);
    const bar = progress(io, 'scanning the audit trail');
    try {
      events = await backend.store.scanAudit(since, (scanned) => bar.update(scanned));
    } finally {
      bar.done();
    }
  }
  io.stdout(
    renderAudit(filterAudit(events, { since, ...(options.event ? { event: options.event } : {}) }), format(options)),
  );
}

export async function reportEnrollmentCommand(context: CommandContext): Promise<void> {
  const { backend, io, options } = context;
  const access = await backend.directory();
  const listing = progress(io, 'listing users');
  let names: string[];
  try {
    names = await access.listUserNames((found) => listing.update(found));
  } finally {
    listing.done();
  }
  const accounts: DirectoryAccount[] = [];
  const reading = progress(io, 'reading accounts');
  const session = await access.directory.openSession();
  try {
    for (const [i, name] of names.entries()) {
      const account = await session.findAccount({ by: 'sAMAccountName', value: name });
      if (account && !isHiddenAccount(account, access.directory.serviceAccountDn)) accounts.push(account);
      reading.update(i + 1, names.length);
    }
  } finally {
    reading.done();
    await session.close();
  }
  const scanning = progress(io, 'scanning enrollments');
  let enrollments: Awaited<ReturnType<typeof backend.store.listEnrollments>>;
  try {
    enrollments = await backend.store.listEnrollments((scanned) => scanning.update(scanned));
  } finally {
    scanning.done();
  }
  const now = backend.clock.now();
  const groups = await eligibilityGroups(access.directory, backend.config.eligibility, { nowMs: now });
  const report = enrollmentReport(accounts, enrollments, groups, now);
  io.stdout(renderEnrollmentReport(report, format(options)));
}

async function scanSince(context: CommandContext, defaultSince: string) {
  const { backend, io, options } = context;
  const since = parseSince(options.since ?? defaultSince, backend.clock.now());
  const bar = progress(io, 'scanning the audit trail');
  try {
    return { since, events: await backend.store.scanAudit(since, (scanned) => bar.update(scanned)) };
  } finally {
    bar.done();
  }
}

export async function reportActivityCommand(context: CommandContext): Promise<void> {
  const { events } = await scanSince(context, '30d');
  context.io.stdout(renderActivity(activity(events), format(context.options)));
}

export async function exportAuditCommand(context: CommandContext): Promise<void> {
  const { io, options } = context;
  const { since, events } = await scanSince(context, '30d');
  const text = jsonLines(events.map(auditRecord));
  if (options.out === undefined || options.out === '-') {
    io.stdout(text);
  } else {
    await writeWhole(resolve(io.cwd, options.out), text);
    io.stderr(`exported ${events.length} audit events since ${formatTime(since)} UTC to ${options.out}\n`);
  }
}

/** Written to a private temporary file beside the target, then renamed over it: the file is whole or absent. */
async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${Date.now()}-${process.pid}.sspr-export.tmp`);
  const file = await open(temporary, 'wx', 0o600).catch((error: Error) => {
    throw new CliError(`cannot write ${path}: ${error.message}`, EXIT.FAILURE);
  });
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, EXIT.FAILURE);
  }
}

/** Why a block was written, as the unblock prompt says it. */
function blockReasonWords(reason: BlockReason): string {
  if (reason === 'repudiated') return "after the user reported a change as not theirs (This wasn't me)";
  return `after wrong ${reason === 'answer' ? 'answers' : 'codes'}`;
}
