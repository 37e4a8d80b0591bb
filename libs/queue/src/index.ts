export * from './job-router';
export * from './jobs';
