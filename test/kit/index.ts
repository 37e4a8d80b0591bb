export * from './api';
export * from './cli';
export * from './tcp-proxy';
export * from './test-env';
export * from './workstations';
export * from './users';
export * from './worker';
export * from './private-redis';
