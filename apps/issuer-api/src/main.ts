import { ConfigError } from '@scm/config';
import { createApiApp } from './bootstrap';
import { loadApiConfig } from './platform/config/api-config';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadApiConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`issuer-api: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const { app, logger } = await createApiApp(cfg);
  await app.listen(cfg.SCM_HTTP_PORT, cfg.SCM_HTTP_HOST);
  logger.info({ url: `http://${cfg.SCM_HTTP_HOST}:${cfg.SCM_HTTP_PORT}` }, 'issuer-api listening');
}

main().catch((e: unknown) => {
  process.stderr.write(`issuer-api: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
