export * from './audit-chain';
export * from './audit-store';
export * from './canonical-json';
export * from './chain-verifier';
export * from './checkpoint';
export * from './bundle';
export * from './sequencer';
