/** The audit trail and the reports, as pure functions over what the store and the directory returned. */
import type { DirectoryAccount } from '../functions/core/directory.js';
import { checkEligibility, type EligibilityGroups } from '../functions/core/eligibility.js';
import type { IneligibilityReason } from '../functions/core/errors.js';
import type { AuditEvent, Enrollment } from '../functions/core/store.js';
import { csv, formatDay, formatTime, jsonLines, table } from './format.js';

export type OutputFormat = 'table' | 'json' | 'csv';

// -- audit ---------------------------------------------------------------------------------------------------------

/** `--event X` matches the event name or its outcome (`--event blocked` finds `block`/`blocked`), case-insensitively. */
export function filterAudit(events: AuditEvent[], options: { since: number; event?: string }): AuditEvent[] {
  const wanted = options.event?.toLowerCase();
  return events.filter(
    (e) =>
      e.at >= options.since &&
      (wanted === undefined || e.event.toLowerCase() === wanted || e.outcome.toLowerCase() === wanted),
  );
}

/** An audit event as exported: the stored fields and `time` (ISO 8601), the same keys for every line. */
export function auditRecord(event: AuditEvent): Record<string, string | number | null> {
  return {
    time: new Date(event.at).toISOString(),
    at: event.at,
    subject: event.subject,
    event: event.event,
    outcome: event.outcome,
    reason: event.reason ?? null,
    sourceAddress: event.sourceAddress,
    userAgent: event.userAgent,
    requestId: event.requestId,
    operator: event.operator ?? null,
  };
}

const AUDIT_HEADERS = ['time (UTC)', 'user', 'event', 'outcome', 'reason', 'source', 'operator', 'request'];

export function renderAudit(events: AuditEvent[], format: OutputFormat): string {
  if (format === 'json') return jsonLines(events.map(auditRecord));
  const rows = events.map((e) => [
    formatTime(e.at),
    e.subject,
    e.event,
    e.outcome,
    e.reason ?? '',
    e.sourceAddress,
    e.operator ?? '',
    e.requestId,
  ]);
  if (format === 'csv') return csv(AUDIT_HEADERS, rows);
  if (events.length === 0) return 'no audit events\n';
  return table(AUDIT_HEADERS, rows);
}

// -- report activity -------------------------------------------------------------------------------------------------

export interface ActivityRow {
  day: string;
  event: string;
  outcome: string;
  count: number;
}

/** Counts per UTC day, event and outcome, in day order then by event and outcome. */
export function activity(events: AuditEvent[]): ActivityRow[] {
  const counts = new Map<string, ActivityRow>();
  for (const e of events) {
    const day = formatDay(e.at);
    const key = `${day}\u0000${e.event}\u0000${e.outcome}`;
    const row = counts.get(key) ?? { day, event: e.event, outcome: e.outcome, count: 0 };
    row.count++;
    counts.set(key, row);
  }
  return [...counts.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.event.localeCompare(b.event) || a.outcome.localeCompare(b.outcome),
  );
}

export function renderActivity(rows: ActivityRow[], format: OutputFormat): string {
  if (format === 'json') return jsonLines(rows);
  const cells = rows.map((r) => [r.day, r.event, r.outcome, String(r.count)]);
  if (format === 'csv') return csv(['day', 'event', 'outcome', 'count'], cells);
  if (rows.length === 0) return 'no audit events in that time\n';
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  return `${table(['day (UTC)', 'event', 'outcome', 'count'], cells)}\n${total} events\n`;
}

// -- report enrollment -----------------------------------------------------------------------------------------------

export interface EnrollmentRow {
  user: string;
  displayName: string;
  /** Eligible for self-service reset/unlock (the start rules); null when eligible. */
  ineligible: IneligibilityReason | null;
  enrolled: boolean;
  enrolledAt: string | null;
  verifiedContacts: number;
}

export interface EnrollmentTotals {
  users: number;
  eligible: number;
  eligibleEnrolled: number;
  eligibleNotEnrolled: number;
  ineligible: number;
  /** Enrollments whose account is not (or no longer) a user under the search bases. */
  orphanEnrollments: number;
}

export function enrollmentReport(
  accounts: DirectoryAccount[],
  enrollments: Enrollment[],
  groups: EligibilityGroups,
  now: number,
): { rows: EnrollmentRow[]; totals: EnrollmentTotals } {
  const byGuid = new Map(enrollments.map((e) => [e.objectGuid.toLowerCase(), e]));
  const seen = new Set<string>();
  const rows = accounts
    .map((account): EnrollmentRow => {
      const guid = account.objectGuid.toLowerCase();
      seen.add(guid);
      const enrollment = byGuid.get(guid) ?? null;
      const eligibility = checkEligibility('start', account, { nowMs: now, groups });
      return {
        user: account.sAMAccountName,
        displayName: account.displayName ?? '',
        ineligible: eligibility.eligible ? null : eligibility.reason,
        enrolled: enrollment !== null,
        enrolledAt: enrollment ? new Date(enrollment.enrolledAt).toISOString() : null,
        verifiedContacts: enrollment?.contacts.filter((c) => c.verified).length ?? 0,
      };
    })
    .sort((a, b) => a.user.localeCompare(b.user));
  const eligible = rows.filter((r) => r.ineligible === null);
  return {
    rows,
    totals: {
      users: rows.length,
      eligible: eligible.length,
      eligibleEnrolled: eligible.filter((r) => r.enrolled).length,
      eligibleNotEnrolled: eligible.filter((r) => !r.enrolled).length,
      ineligible: rows.length - eligible.length,
      orphanEnrollments: enrollments.filter((e) => !seen.has(e.objectGuid.toLowerCase())).length,
    },
  };
}

export function renderEnrollmentReport(
  report: { rows: EnrollmentRow[]; totals: EnrollmentTotals },
  format: OutputFormat,
): string {
  const { rows, totals } = report;
  if (format === 'json') {
    return jsonLines([...rows.map((r) => ({ type: 'user', ...r })), { type: 'totals', ...totals }]);
  }
  const cells = rows.map((r) => [
    r.user,
    r.displayName,
    r.ineligible === null ? 'yes' : 'no',
    r.ineligible ?? '',
    r.enrolled ? 'yes' : 'no',
    r.enrolledAt ?? '',
    r.verifiedContacts,
  ]);
  if (format === 'csv') {
    return csv(['user', 'displayName', 'eligible', 'reason', 'enrolled', 'enrolledAt', 'verifiedContacts'], cells);
  }
  const percent = totals.eligible === 0 ? 0 : Math.round((totals.eligibleEnrolled / totals.eligible) * 100);
  const cellsForTable = cells.map((row) =>
    row.map((cell, i) => (i === 5 && cell ? formatTime(Date.parse(String(cell))) : String(cell))),
  );
  const orphans =
    totals.orphanEnrollments > 0
      ? `${totals.orphanEnrollments} enrollments belong to no user under the search bases (moved or deleted accounts)\n`
      : '';
  return (
    `${table(['user', 'name', 'eligible', 'reason', 'enrolled', 'since (UTC)', 'verified contacts'], cellsForTable)}\n` +
    `${totals.users} users: ${totals.eligible} eligible (${totals.eligibleEnrolled} enrolled, ` +
    `${totals.eligibleNotEnrolled} not enrolled: ${percent} % coverage), ${totals.ineligible} not eligible\n${orphans}`
  );
}
