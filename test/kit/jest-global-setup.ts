import globalSetup from './global-setup';

/**
 * jest's global set-up: the test database, Redis and HSM keys (global-setup.ts, which the drill and
 * the fuzz harness also call), then one clean-up that only jest's own realm needs.
 *
 * The set-up loads TypeORM and the entities in jest's realm, and TypeORM keeps its metadata store
 * on that realm's global. jest copies the properties of that global into every suite's sandbox, so
 * each suite's TypeORM found this one store and added its entity classes to it, and the store kept
 * every suite's modules alive (in one process the heap grew about 37 MB a suite). Without it each
 * suite makes a store of its own, collected with the suite.
 */
export default async function jestGlobalSetup(): Promise<void> {
  await globalSetup();
  delete (globalThis as { typeormMetadataArgsStorage?: unknown }).typeormMetadataArgsStorage;
}
