import { apiSchema, type ConfigOf, loadConfig } from '@scm/config';

export type ApiConfig = ConfigOf<typeof apiSchema>;
export const API_CONFIG = Symbol('API_CONFIG');

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfig(apiSchema, env);
}
