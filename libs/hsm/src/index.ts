export * from './hsm-errors';
export * from './hsm-settings';
export * from './pkcs11-module';
export * from './pkcs11-session';
export * from './key-ref';
export * from './hsm-keys';
export * from './hsm-webcrypto';
export * from './hsm-context';
export { pkcs11CallsInFlight } from './pkcs11-retain';
