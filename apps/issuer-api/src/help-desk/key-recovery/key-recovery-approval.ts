/** The dual-control request kind of a key recovery. */
export const KEY_RECOVERY_KIND = 'key-recovery';

/**
 * What officers approve: whose keys, for which card if one was named, why, for whom — and exactly
 * which keys: the serials of their certificates. Delivery gives those keys and no other.
 */
export type KeyRecoverySubject = { cardholderId: string; cardId: string | null; reason: string; requestedBy: string; serials: string[] };
