/**
 * The Store port over one DynamoDB table (single-table design, DESIGN §5), reached through the DocumentClient. Each
 * record family has a module of its own under store/; this one puts them together.
 *
 * Item layout (pk / sk, all strings; `expiresAt` is the TTL attribute in epoch seconds):
 *   enrollment    ENROLLMENT#<objectGuid lower-case> ENROLLMENT                        no expiry
 *   rate counter  RATE#<counter>                     W#<windowSeconds>#<windowStartMs> window end
 *   choice tally  STATS#question-choices             STATS                             no expiry
 *   lease         LEASE#<name>                       LEASE                             until
 *   flow          FLOW#<tokenHash>                   FLOW                              flow expiry
 *   open flow     OPENFLOW#<subject>                 OPENFLOW                          flow expiry
 *   contact codes CONTACTVERIFY#<tokenHash>          CONTACTVERIFY                     expiry
 *   methods       METHODSSESSION#<tokenHash>         METHODSSESSION                    expiry
 *   methods epoch METHODSEPOCH#<subject>             METHODSEPOCH                      no expiry
 *   not-me link   REPUDIATION#<tokenHash>            REPUDIATION                       expiry
 *   guard         BLOCK#<subject>                    BLOCK                             latest of until, window ends
 *   audit event   AUDIT#<subject>                    <at ISO>#<requestId>#<random>     at + retention
 *   outbox item   OUTBOX#<id>                        OUTBOX                            createdAt + 1 day
 *
 * Under store/: enrollments.ts (enrolledMethods.ts: the methods on an enrollment item), counters.ts (rate counters
 * and the choice tally), leases.ts, flows.ts, contactVerifications.ts, methodsSessions.ts, repudiations.ts, blocks.ts
 * (a subject's failure windows and block, one guard item), audit.ts, outboxItems.ts; table.ts holds the keys and what they all share.
 *
 * The records kept under a token's hash (flows, contact codes, methods sessions, not-me links) are written and read by
 * one helper (store/tokens.ts). The admin CLI's reads (listEnrollments, scanAudit) are filtered scans of the whole
 * table, page by page: there is no index by time, and request functions never call them.
 *
 * Every change is one conditional write on one item (dynalite has no transactions): a subject's failure windows and
 * its block share one item, so a failure's reservation and the block it meets or writes are one write. TTL deletion is
 * late (and never happens on dynalite), so reads that depend on time compare the stored window end, expiry or `until` with
 * `now` instead of trusting that an expired item is gone.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../core/store.js';
import { auditRecords } from './store/audit.js';
import { blockRecords } from './store/blocks.js';
import { contactVerificationRecords } from './store/contactVerifications.js';
import { counterRecords } from './store/counters.js';
import { enrolledMethodRecords } from './store/enrolledMethods.js';
import { enrollmentRecords } from './store/enrollments.js';
import { flowRecords } from './store/flows.js';
import { leaseRecords } from './store/leases.js';
import { methodsSessionRecords } from './store/methodsSessions.js';
import { outboxRecords } from './store/outboxItems.js';
import { repudiationRecords } from './store/repudiations.js';

export { type ItemKey, itemKeys, outboxIdFromKey, TTL_ATTRIBUTE, tableDefinition } from './store/table.js';

// The interface gives the class the port's members, which the constructor assigns from the families: the object it
// assigns is typed as the whole Store, so a method no family provides fails to compile there.
export interface DynamoStore extends Store {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor assigns every member of the interface.
export class DynamoStore {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    const table = { db, tableName };
    const enrollments = enrollmentRecords(table);
    const store: Store = {
      ...enrollments,
      ...enrolledMethodRecords(table, enrollments.getEnrollment),
      ...counterRecords(table),
      ...leaseRecords(table),
      ...flowRecords(table),
      ...contactVerificationRecords(table),
      ...methodsSessionRecords(table),
      ...repudiationRecords(table),
      ...blockRecords(table),
      ...auditRecords(table),
      ...outboxRecords(table),
    };
    Object.assign(this, store);
  }
}
