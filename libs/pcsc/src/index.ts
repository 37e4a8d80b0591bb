export * from './card-channel';
export * from './pcsc-errors';
export * from './reader-monitor';
