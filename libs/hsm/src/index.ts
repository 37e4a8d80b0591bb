export * from './hsm-errors';
export * from './hsm-settings';
export * from './pkcs11-session';
