export * from './vpcd-connector';
export * from './vpcd-framing';
