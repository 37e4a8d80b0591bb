export * from './coded-error';
export * from './logger';
export * from './nest-logger';
