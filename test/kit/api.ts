import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@scm/common';
import type { AddressInfo } from 'node:net';
import { createApiApp, loadApiConfig } from '../../apps/issuer-api/src';
import { testEnv } from './test-env';

export interface RunningApi {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** The issuer API in this process on a free port, configured for tests (plus overrides). */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const cfg = loadApiConfig({ ...process.env, ...testEnv, SCM_HTTP_PORT: '1', ...overrides });
  const logger = createLogger({ name: 'issuer-api-test', level: cfg.SCM_LOG_LEVEL });
  const { app } = await createApiApp(cfg, logger);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
