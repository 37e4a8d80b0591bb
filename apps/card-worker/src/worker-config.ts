import { type ConfigOf, loadConfig, workerSchema } from '@scm/config';

export type WorkerConfig = ConfigOf<typeof workerSchema>;
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadConfig(workerSchema, env);
}
