import type { KeyRecoveryEntity, RecoveredKeyJson } from '@scm/db';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';

/** An approved recovery of a cardholder's escrowed key-management keys (one row of key_recovery). */
export type KeyRecovery = KeyRecoveryEntity;

/** The key recovery aggregate's storage, and what recoveries are made from. */
export interface KeyRecoveryRepository {
  insert(tx: TxScope, recovery: KeyRecovery): Promise<void>;
  /** The recovery, locked for the rest of the transaction. */
  lock(tx: TxScope, id: string): Promise<KeyRecovery | undefined>;
  get(id: string, tx?: TxScope): Promise<KeyRecovery | undefined>;
  /** The recovery an approval made. */
  byApproval(approvalId: string, tx?: TxScope): Promise<KeyRecovery | undefined>;
  /** Records the delivery, now, and which keys went out (never the keys). */
  delivered(tx: TxScope, id: string, keys: RecoveredKeyJson[]): Promise<void>;
  cardholderExists(cardholderId: string, tx: TxScope): Promise<boolean>;
  /** The cardholder's escrow VSCs (not temporary copies), newest first: where recovered keys come from. */
  escrowVscsOf(cardholderId: string, tx: TxScope): Promise<StoredVsc[]>;
}

export const KEY_RECOVERY_REPOSITORY = Symbol('KeyRecoveryRepository');
