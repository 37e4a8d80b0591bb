export * from './job-registry';
export * from './jobs';
