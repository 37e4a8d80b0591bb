/**
 * @scm/card-secrets — the issuer side's card secrets, all held in the HSM (PKCS#11): the API and
 * the CLI use it, a card worker never does (it gets what it needs wrapped, through the API):
 *   provisionCardKeys(hsm)                     the HSM keys (management-key master, PUK key), idempotent
 *   ManagementKeyDiversifier(hsm)              per-card management keys derived in the HSM; cryptograms in the HSM
 *   PukVault(hsm)                              PUKs sealed under the HSM, bound to their card
 *   TransportKeyVault(hsm)                     card stock transport keys wrapped under the HSM; cryptograms in the HSM
 */
export * from './card-keys';
export * from './management-key-diversifier';
export * from './puk-vault';
export * from './transport-keys';
