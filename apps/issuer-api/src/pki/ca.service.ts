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

/**
 * The issuing CA, the root (when its key is on this HSM) and the PIV content signer as the API uses
 * them: keys in the HSM, state in PostgreSQL. They are opened on first use and reopened when the
 * HSM context was reset. `inTx` binds the CA's store to a unit of work, so certificates, status
 * changes and CRL numbers commit (or vanish) with the change they belong to.
 */
@Injectable()
export class CaService {
  private cache: { ctx: HsmContext; cas: Map<string, Promise<HsmCertificateAuthority>>; signer?: Promise<PivContentSigner> } | undefined;

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
    let p = c.cas.get(caId);
    if (!p) {
      p = this.opening(tx, () => HsmCertificateAuthority.open(c.ctx, this.caStore.store, caId, this.config));
      p.catch(() => c.cas.delete(caId));
      c.cas.set(caId, p);
    }
    return p;
  }

  /** The PIV content signer (CHUID and Security Object); inside a unit of work pass its tx (see ca()). */
  contentSigner(tx?: Pick<Tx, 'em'>): Promise<PivContentSigner> {
    const c = this.current();
    if (!c.signer) {
      const p = this.opening(tx, () => PivContentSigner.open(c.ctx, this.caStore.store));
      p.catch(() => {
        if (c.signer === p) c.signer = undefined;
      });
      c.signer = p;
    }
    return c.signer;
  }

  private opening<T>(tx: Pick<Tx, 'em'> | undefined, open: () => Promise<T>): Promise<T> {
    return tx ? this.caStore.inTx(tx, open) : open();
  }

  /** Forgets opened keys after an HSM failure; the next use reopens the context. */
  reset(): void {
    this.cache = undefined;
    this.hsm.reset();
  }
}
