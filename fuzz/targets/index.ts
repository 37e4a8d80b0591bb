import type { FuzzTarget } from '../harness/target';
import { apduChannel, apduCommand, apduResponse, berTlv } from './apdu.target';
import { attestationChain, csvBatch, stockImport } from './apps.target';
import { archiveDocuments, archiveVolume, iso9660 } from './archive.target';
import { auditBundle } from './audit.target';
import { cardEngine } from './card-engine.target';
import { pivObjects, pivSession } from './piv.target';
import { vpcdFraming } from './vpcd.target';
import { vscFile } from './vsc.target';

/**
 * The API target loads the whole issuer API (Nest, PKCS#11, PostgreSQL): loaded only when it runs,
 * so worker threads fuzzing the parsers never load it.
 */
function lazy(
  name: string,
  about: string,
  opts: { inProcess?: boolean; budgetMs?: number },
  load: () => FuzzTarget<unknown>,
): FuzzTarget<unknown> {
  return {
    name,
    about,
    ...opts,
    setup: () => load().setup(),
    inputs: (s) => load().inputs(s),
    run: (s, b) => load().run(s, b),
    expected: (e) => load().expected(e),
    teardown: async (s) => load().teardown?.(s),
  };
}

const apiRoutes = lazy(
  'api-routes',
  'issuer API: every route (body, query, path params) with each role, in process on the test stack',
  { inProcess: true, budgetMs: 15_000 },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => (require('./api.target') as typeof import('./api.target')).apiRoutes as FuzzTarget<unknown>,
);

/** Every fuzz target, in the order `npm run fuzz` runs them. */
export const TARGETS: ReadonlyArray<FuzzTarget<never>> = [
  apduCommand,
  apduResponse,
  berTlv,
  apduChannel,
  pivObjects,
  pivSession,
  cardEngine,
  vpcdFraming,
  vscFile,
  iso9660,
  archiveDocuments,
  archiveVolume,
  auditBundle,
  csvBatch,
  stockImport,
  attestationChain,
  apiRoutes,
] as unknown as ReadonlyArray<FuzzTarget<never>>;

export function targetByName(name: string): FuzzTarget<unknown> {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target ${name}`);
  return t as unknown as FuzzTarget<unknown>;
}
