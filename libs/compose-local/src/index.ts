export * from './compose-file';
export * from './local-compose';
