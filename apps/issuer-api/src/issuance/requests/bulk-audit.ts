import { appendAudit } from '@scm/audit';
import type { Tx } from '../../platform/infra/unit-of-work';

type AuditFacts = Parameters<Tx['audit']>[0];

/** Events per INSERT: appendAudit binds 14 parameters per event and PostgreSQL allows 65535. */
const CHUNK = 2000;

/**
 * Audits many changes of one unit of work (a batch of thousands of requests): small lists go
 * through `tx.audit`, large ones are appended to the chain in chunks inside the same transaction.
 */
export async function auditMany(tx: Tx, events: readonly AuditFacts[]): Promise<void> {
  if (events.length <= CHUNK) {
    for (const e of events) tx.audit(e);
    return;
  }
  const a = tx.actor;
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events
      .slice(i, i + CHUNK)
      .map((e) => ({ ...e, actor: a.actor, actorName: a.actorName, role: a.role, requestId: a.requestId }));
    await appendAudit(tx.em, chunk, tx.now);
  }
}
