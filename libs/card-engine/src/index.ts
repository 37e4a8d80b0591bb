/**
 * @scm/card-engine — a software PIV card that behaves like a YubiKey 5 (firmware 5.4-like).
 *
 *   PivCard (VirtualCard for @scm/vpcd)   class byte, selection, chaining, 61xx / GET RESPONSE
 *     └ PivApplet                          PIV + Yubico commands, security state, PIN policies
 *         └ PivCardBackend (port)          card content: PIN/PUK, 9B key, objects, slot keys
 *             SoftPivBackend (memory), FilePivBackend (persistent test card), a VSC later
 *
 * Start one in a reader: `startEmulatedCard({ port, backend })` (see emulated-card.ts).
 */
export * from './piv.constants';
export * from './backend/piv-card-backend.port';
export * from './backend/soft-piv-backend';
export * from './backend/file-piv-backend';
export * from './crypto/key-ops';
export * from './crypto/management-key';
export { attestationCertificate, createAttestationAuthority, type AttestationAuthority, YubicoAttestationOid } from './crypto/attestation';
export { padPin } from './crypto/pin-hash';
export * from './applet/applet-context';
export * from './applet/security-state';
export * from './applet/piv-applet';
export * from './card/piv-card';
export * from './card/card-latency';
export * from './card/command-refusals';
export * from './card/no-import-card';
export * from './emulated-card';
