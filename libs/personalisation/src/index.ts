/**
 * @scm/personalisation — what the issuer API, the card worker and the CLI share about putting an
 * issued VSC onto a real card:
 *   provisionCardKeys(hsm)                     the HSM keys (management-key master, PUK key), idempotent
 *   ManagementKeyDiversifier(hsm)              per-card management keys derived in the HSM; cryptograms in the HSM
 *   PukVault(hsm)                              PUKs sealed under the HSM, bound to their card
 *   planSteps / StepReport                     the steps of an attempt, as reported live
 *   activation protocol                        the workstation's local PIN channel (UNIX socket)
 *   wrapForWorker / unwrapAsWorker             key material wrapped for one enrolled worker (X25519, HKDF, AES-GCM)
 *   ClaimView, PersonalisationPackage, …       the API ↔ worker wire contract (worker-contract.ts)
 */
export * from './card-keys';
export * from './management-key-diversifier';
export * from './puk-vault';
export * from './steps';
export * from './activation-protocol';
export * from './key-transfer.codec';
export * from './worker-contract';
