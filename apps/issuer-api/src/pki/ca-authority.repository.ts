import type { CaAuthorityEntity, CaCrlEntity } from '@scm/db';
import type { TxScope } from '../platform/infra/unit-of-work';

/** A CA's own certificate and key label, as stored (root, issuing or PIV content signer). */
export type CaAuthority = CaAuthorityEntity;

/** A CRL a CA signed, as stored. */
export type StoredCrl = CaCrlEntity;

/**
 * What the API reads of the CAs and their CRLs (libs/ca's PgCaStore stays the CA's own store
 * and writes them): which CAs it signs CRLs for, a CA's certificate, a CA's newest CRL.
 */
export interface CaAuthorityRepository {
  /** The CAs whose CRLs this API signs: every root or issuing CA with a key label, by id. */
  signingCaIds(tx?: TxScope): Promise<string[]>;
  /** One CA of the store. */
  get(caId: string, tx?: TxScope): Promise<CaAuthority | undefined>;
  /** The CA's CRL with the highest number. */
  latestCrl(caId: string, tx?: TxScope): Promise<StoredCrl | undefined>;
  /** Holds the CA's CRL publication for the rest of the transaction: one CRL of a CA is made at a time. */
  lockCrlPublication(tx: TxScope, caId: string): Promise<void>;
}

export const CA_AUTHORITY_REPOSITORY = Symbol('CaAuthorityRepository');
