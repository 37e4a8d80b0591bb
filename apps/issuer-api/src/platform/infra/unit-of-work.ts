import { Inject, Injectable } from '@nestjs/common';
import { type AuditEventInput, appendAudit } from '@scm/audit';
import type { CodedError } from '@scm/common';
import { assertIdsOnly, JOB_QUEUE, jobId, type JobName, type JobPayloads } from '@scm/queue';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../trust/auth/principal';
import { OUTBOX_REPOSITORY, type OutboxJob, type OutboxRepository } from '../outbox/outbox.repository';
import { ApiAuditSequencer } from './audit-sequencer.repository';
import type { Clock } from './clock.port';
import { CLOCK, DATA_SOURCE } from './tokens';
import { outsideUnitOfWork, withinUnitOfWork } from './tx-guard';

type AuditFacts = Omit<AuditEventInput, 'actor' | 'actorName' | 'role' | 'requestId'>;

/** What a refusal's audit record names: the action refused and its target (outcome and refusal code are added). */
export type DenialFacts = Pick<AuditEventInput, 'action' | 'targetType' | 'targetId'> & { details?: Record<string, unknown> };

/** The part of a unit of work a repository uses: its transaction. Handlers and domain services never touch it. */
export interface TxScope {
  readonly em: EntityManager;
  readonly now: Date;
}

/** One transaction: the change, the audit events that record it and the jobs it queues commit together. */
export class Tx implements TxScope {
  readonly events: AuditEventInput[] = [];
  readonly jobs: OutboxJob[] = [];
  /** Events committed whatever happens to the transaction (see auditEvenIfRolledBack). */
  readonly kept: Array<{ event: AuditEventInput; onLost?: (e: unknown) => void }> = [];

  constructor(
    readonly em: EntityManager,
    readonly actor: Actor,
    readonly now: Date,
  ) {}

  /** Records what was done, by the transaction's actor (or on behalf of another actor). */
  audit(facts: AuditFacts, as: Actor = this.actor): void {
    this.events.push({ ...facts, actor: as.actor, actorName: as.actorName, role: as.role, requestId: as.requestId });
  }

  /**
   * Records an event that must outlive a rollback (an integrity alarm raised by the error that rolls
   * the transaction back): committed with the transaction, or, when it rolls back, in a transaction
   * of its own once this one's connection is released (never on a second connection while it is
   * held). onLost hears of an event that could not be committed at all.
   */
  auditEvenIfRolledBack(facts: AuditFacts, onLost?: (e: unknown) => void): void {
    this.audit(facts);
    this.kept.push({ event: this.events[this.events.length - 1], ...(onLost ? { onLost } : {}) });
  }

  /** Queues a job through the outbox: relayed to BullMQ only after this transaction commits. */
  enqueue<J extends JobName>(name: J, payload: JobPayloads[J]): string {
    assertIdsOnly(payload as Record<string, unknown>);
    const id = jobId(name, payload);
    this.jobs.push({ queue: JOB_QUEUE[name], name, id, payload: payload as Record<string, unknown> });
    return id;
  }

  /** Return this to commit (keeping the audit of the refusal) and then throw `error` to the caller. */
  refuse(error: Error): Refusal {
    return new Refusal(error);
  }

  /**
   * Audits a refused action (outcome `denied`, its code as `refusal`) and returns the refusal:
   * `return tx.deny(new XError(...), { action, targetType, targetId })`.
   */
  deny(error: CodedError, facts: DenialFacts): Refusal {
    this.audit({ ...facts, outcome: 'denied', details: { ...(facts.details ?? {}), refusal: error.code } });
    return new Refusal(error);
  }
}

/** A refused command whose audit record must still be committed. */
export class Refusal {
  constructor(readonly error: Error) {}
}

/** Wakes the outbox relay right after a commit that queued jobs (it also polls). */
@Injectable()
export class OutboxSignal {
  private listener: (() => void) | undefined;
  onKick(fn: () => void): void {
    this.listener = fn;
  }
  kick(): void {
    this.listener?.();
  }
}

@Injectable()
export class UnitOfWork {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly signal: OutboxSignal,
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(ApiAuditSequencer) private readonly sequencer: Pick<ApiAuditSequencer, 'kick'>,
  ) {}

  /**
   * Runs fn in one transaction with the audit events and outbox jobs it records. The events are
   * inserted unchained (no chain-wide lock in the transaction); once it has committed, the
   * sequencer is woken to chain them (a batch of every commit since its last pass). Readers of the
   * chain see chained events only; a checkpoint first waits for the pass.
   */
  async run<T>(actor: Actor, fn: (tx: Tx) => Promise<T | Refusal>): Promise<T> {
    let tx: Tx | undefined;
    let result: T | Refusal;
    try {
      result = await this.ds.transaction((em) =>
        withinUnitOfWork(fn.name || 'anonymous', async () => {
          tx = new Tx(em, actor, this.clock.now());
          const r = await fn(tx);
          await this.outbox.insert(tx, tx.jobs);
          await appendAudit(em, tx.events, tx.now);
          return r;
        }),
      );
    } catch (e) {
      if (tx?.kept.length) await this.keep(tx);
      throw e;
    }
    if (tx?.jobs.length) this.signal.kick();
    if (tx?.events.length) outsideUnitOfWork(() => this.sequencer.kick());
    if (result instanceof Refusal) throw result.error;
    return result;
  }

  /** Commits the kept events of a transaction that rolled back, on its own transaction (the first one's connection is back in the pool). */
  private async keep(tx: Tx): Promise<void> {
    const kept = tx.kept;
    try {
      await this.ds.transaction((em) =>
        appendAudit(
          em,
          kept.map((k) => k.event),
          tx.now,
        ),
      );
    } catch (e) {
      for (const k of kept) k.onLost?.(e);
      return;
    }
    outsideUnitOfWork(() => this.sequencer.kick());
  }
}
