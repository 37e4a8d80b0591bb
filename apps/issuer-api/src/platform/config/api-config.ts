import { apiSchema, type ConfigOf, loadConfig, redisPasswordFile, withRedisPassword } from '@scm/config';

export type ApiConfig = ConfigOf<typeof apiSchema>;
export const API_CONFIG = Symbol('API_CONFIG');

/** The API's configuration; SCM's Redis ACL user gets its password from its file (mode 0600). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const cfg = loadConfig(apiSchema, env);
  const passwordFile = cfg.SCM_REDIS_PASSWORD_FILE || redisPasswordFile(cfg.SCM_STATE_DIR);
  return { ...cfg, SCM_REDIS_URL: withRedisPassword(cfg.SCM_REDIS_URL, passwordFile) };
}
