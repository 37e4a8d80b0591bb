import { Inject, Injectable } from '@nestjs/common';
import { CONTENT_SIGNER_ID, HsmCertificateAuthority, PivContentSigner, setupCaHierarchy, type CaConfig, type CaHierarchy } from '@scm/ca';
import type { HsmContext } from '@scm/hsm';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { Clock } from '../platform/infra/clock.port';
import type { HsmHandle } from '../platform/infra/infra.module';
import { CLOCK, HSM } from '../platform/infra/tokens';
import type { Tx, TxScope } from '../platform/infra/unit-of-work';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository } from './ca-authority.repository';
import { CA_STORE, type CaStorePort } from './ca-store.port';

/** A CA or signer being opened (or open), and whether its opening reads on the pool (no transaction was given). */
interface Opening<T> {
  readonly promise: Promise<T>;
  readonly onPool: boolean;
  settled: boolean;
}

/**
 * The issuing CA, the root (when its key is on this HSM) and the PIV content signer as the API uses
 * them: keys in the HSM, state in PostgreSQL. They are opened on first use and reopened when the
 * HSM context was reset. `inTx` binds the CA's store to a unit of work, so certificates, status
 * changes and CRL numbers commit (or vanish) with the change they belong to.
 */
@Injectable()
export class CaService {
  private cache: { ctx: HsmContext; cas: Map<string, Opening<HsmCertificateAuthority>>; signer?: Opening<PivContentSigner> } | undefined;

  constructor(
    @Inject(CA_STORE) private readonly caStore: CaStorePort,
    @Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository,
    @Inject(HSM) private readonly hsm: HsmHandle,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get issuingId(): string {
    return this.cfg.SCM_CA_ISSUING_ID;
  }

  get rootId(): string {
    return this.cfg.SCM_CA_ROOT_ID;
  }

  get config(): CaConfig {
    return { publicBaseUrl: this.cfg.SCM_PUBLIC_URL, crlValidityHours: this.cfg.SCM_CRL_VALIDITY_HOURS, now: () => this.clock.now() };
  }

  /** Runs fn with the CA store bound to the unit of work's transaction. */
  inTx<T>(tx: Pick<Tx, 'em'>, fn: () => Promise<T>): Promise<T> {
    return this.caStore.inTx(tx, fn);
  }

  /** The ids of the CAs this API runs: root, issuing CA, PIV content signer. */
  get hierarchyIds(): string[] {
    return [this.rootId, this.issuingId, CONTENT_SIGNER_ID];
  }

  /**
   * Creates (or reopens) the root, the issuing CA and the PIV content signer in this HSM and the
   * unit of work's store, with a first CRL of each CA: the host's set-up. Never replaces a key.
   */
  setUpHierarchy(tx: Pick<Tx, 'em'>): Promise<CaHierarchy> {
    return this.caStore.inTx(tx, () =>
      setupCaHierarchy(this.hsm.get(), this.caStore.store, {
        ...this.config,
        organization: this.cfg.SCM_ORGANIZATION,
        rootId: this.rootId,
        issuingId: this.issuingId,
      }),
    );
  }

  /** The issuing CA's certificate (DER) as stored, without opening its key; undefined before `scm ca init`. */
  async issuingCertificate(tx: TxScope): Promise<Buffer | undefined> {
    return (await this.authorities.get(this.issuingId, tx))?.der;
  }

  private current(): NonNullable<CaService['cache']> {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, cas: new Map() };
    return this.cache;
  }

  /**
   * A CA of the store whose key is in this HSM (the issuing CA by default). Inside a unit of work
   * pass its tx: the first use opens the CA by reading the store, on that transaction's connection.
   */
  ca(tx?: Pick<Tx, 'em'>, caId = this.issuingId): Promise<HsmCertificateAuthority> {
    const c = this.current();
    const cached = c.cas.get(caId);
    if (cached && this.shares(cached, tx)) return cached.promise;
    const o = this.opening(tx, () => HsmCertificateAuthority.open(c.ctx, this.caStore.store, caId, this.config));
    o.promise.catch(() => {
      if (c.cas.get(caId) === o) c.cas.delete(caId);
    });
    c.cas.set(caId, o);
    return o.promise;
  }

  /** The PIV content signer (CHUID and Security Object); inside a unit of work pass its tx (see ca()). */
  contentSigner(tx?: Pick<Tx, 'em'>): Promise<PivContentSigner> {
    const c = this.current();
    if (c.signer && this.shares(c.signer, tx)) return c.signer.promise;
    const o = this.opening(tx, () => PivContentSigner.open(c.ctx, this.caStore.store));
    o.promise.catch(() => {
      if (c.signer === o) c.signer = undefined;
    });
    c.signer = o;
    return o.promise;
  }

  /**
   * Whether a caller may wait for an opening already under way. A unit of work does not wait for
   * one still reading on the pool: holding its connection while it waits for another is how the
   * pool runs dry (every connection held by a unit of work waiting for this one opening). It opens
   * on its own transaction instead.
   */
  private shares(o: Opening<unknown>, tx: Pick<Tx, 'em'> | undefined): boolean {
    return o.settled || !tx || !o.onPool;
  }

  private opening<T>(tx: Pick<Tx, 'em'> | undefined, open: () => Promise<T>): Opening<T> {
    const o: Opening<T> = { promise: tx ? this.caStore.inTx(tx, open) : open(), onPool: !tx, settled: false };
    const settle = () => void (o.settled = true);
    o.promise.then(settle, settle);
    return o;
  }

  /** Forgets opened keys after an HSM failure; the next use reopens the context. */
  reset(): void {
    this.cache = undefined;
    this.hsm.reset();
  }
}
