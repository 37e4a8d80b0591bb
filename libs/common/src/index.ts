export * from './coded-error';
export * from './logger';
export * from './nest-logger';
export * from './worker-identity';
export * from './password';
export * from './pem';
export * from './free-port';
export * from './certificate-serial';
