// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill before it loads.
import 'reflect-metadata';
export * from './ca-errors';
export * from './oids';
export * from './ca.port';
export * from './ca-store.port';
export * from './in-memory-ca-store';
export * from './pg-ca-store';
export * from './serial-number';
export * from './piv-templates';
export * from './hsm-certificate-authority';
export * from './cms-signed-data';
export * from './content-signer';
export * from './chuid';
export * from './security-object';
export * from './ca-setup';
