export * from './data-source';
export * from './entities';
export * from './provision';
export * from './scram';
