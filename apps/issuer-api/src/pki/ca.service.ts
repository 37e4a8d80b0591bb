import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HsmCertificateAuthority, PivContentSigner, type CaConfig } from '@scm/ca';
import type { HsmContext } from '@scm/hsm';
import type { DataSource, EntityManager } from 'typeorm';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { Clock } from '../platform/infra/clock.port';
import type { HsmHandle } from '../platform/infra/infra.module';
import { CLOCK, HSM } from '../platform/infra/tokens';
import type { Tx } from '../platform/infra/unit-of-work';
import { PgCaStore, type SqlRunner } from '@scm/ca';

/**
 * The issuing CA, the root (when its key is on this HSM) and the PIV content signer as the API uses
 * them: keys in the HSM, state in PostgreSQL. They are opened on first use and reopened when the
 * HSM context was reset. `inTx` binds the CA's store to a unit of work, so certificates, status
 * changes and CRL numbers commit (or vanish) with the change they belong to.
 */
@Injectable()
export class CaService {
  readonly store: PgCaStore;
  private readonly txEm = new AsyncLocalStorage<{ em: EntityManager; last: Promise<unknown> }>();
  private cache: { ctx: HsmContext; cas: Map<string, Promise<HsmCertificateAuthority>>; signer?: Promise<PivContentSigner> } | undefined;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(HSM) private readonly hsm: HsmHandle,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.store = new PgCaStore(() => this.runner());
  }

  get issuingId(): string {
    return this.cfg.SCM_CA_ISSUING_ID;
  }

  get rootId(): string {
    return this.cfg.SCM_CA_ROOT_ID;
  }

  get config(): CaConfig {
    return { publicBaseUrl: this.cfg.SCM_PUBLIC_URL, crlValidityHours: this.cfg.SCM_CRL_VALIDITY_HOURS, now: () => this.clock.now() };
  }

  private runner(): SqlRunner {
    const ctx = this.txEm.getStore();
    if (!ctx) return (sql, params) => this.ds.query(sql, params) as Promise<unknown[]>;
    // One connection carries the transaction: statements from CA operations running in parallel
    // (certificates signed in several HSM lanes) take their turn on it.
    return (sql, params) => {
      const r = ctx.last.then(() => ctx.em.query(sql, params) as Promise<unknown[]>);
      ctx.last = r.catch(() => undefined);
      return r;
    };
  }

  /** One SQL statement on the CA's tables (bound to the unit of work inside `inTx`). */
  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.runner()(sql, params) as Promise<T[]>;
  }

  /** Runs fn with the CA store bound to the unit of work's transaction. */
  inTx<T>(tx: Pick<Tx, 'em'>, fn: () => Promise<T>): Promise<T> {
    return this.txEm.run({ em: tx.em, last: Promise.resolve() }, fn);
  }

  private current(): NonNullable<CaService['cache']> {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, cas: new Map() };
    return this.cache;
  }

  /** A CA of the store whose key is in this HSM (the issuing CA by default). */
  ca(caId = this.issuingId): Promise<HsmCertificateAuthority> {
    const c = this.current();
    let p = c.cas.get(caId);
    if (!p) {
      p = HsmCertificateAuthority.open(c.ctx, this.store, caId, this.config);
      p.catch(() => c.cas.delete(caId));
      c.cas.set(caId, p);
    }
    return p;
  }

  /** The PIV content signer (CHUID and Security Object). */
  contentSigner(): Promise<PivContentSigner> {
    const c = this.current();
    if (!c.signer) {
      const p = PivContentSigner.open(c.ctx, this.store);
      p.catch(() => {
        if (c.signer === p) c.signer = undefined;
      });
      c.signer = p;
    }
    return c.signer;
  }

  /** Forgets opened keys after an HSM failure; the next use reopens the context. */
  reset(): void {
    this.cache = undefined;
    this.hsm.reset();
  }

  /** The CAs whose CRLs this API signs: every root or issuing CA of the store with a key label. */
  async signingCas(): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT ca_id FROM ca_authority WHERE role IN ('root', 'issuing') AND key_label IS NOT NULL ORDER BY ca_id`,
    )) as Array<{
      ca_id: string;
    }>;
    return rows.map((r) => r.ca_id);
  }
}
