/**
 * @scm/personalisation — what the issuer API, the card worker and the CLI share about putting an
 * issued VSC onto a real card. Pure: no HSM, PKCS#11, database or I/O (the HSM side, card keys,
 * management-key diversification and the PUK vault, is @scm/card-secrets, which workers never load):
 *   planSteps / StepReport                     the steps of an attempt, as reported live
 *   activation protocol                        the workstation's local PIN channel (UNIX socket) messages
 *   wrapForWorker / unwrapAsWorker             key material wrapped for one enrolled worker (X25519, HKDF, AES-GCM)
 *   ClaimView, PersonalisationPackage, …       the API ↔ worker wire contract (worker-contract.ts)
 *   cardCapabilitiesOf                         what a card can do (import keys), from its ATR and GET VERSION
 */
export * from './steps';
export * from './activation-protocol';
export * from './key-transfer.codec';
export * from './worker-contract';
export * from './card-update-contract';
export * from './card-capabilities';
