import { AuditSequencer, appendAudit, type AuditEventInput } from '@scm/audit';
import { databaseSchema, hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { createDataSource } from '@scm/db';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { userInfo } from 'node:os';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * For the server-side commands an operator runs on the SCM host itself (bootstrap, setup, offline
 * verification): direct access to the database as the application role, and to the HSM.
 */
export class ServerContext {
  private hsmCtx: HsmContext | undefined;
  /** Places this command's audit events (and any others waiting) in the chain after each commit. */
  readonly sequencer: AuditSequencer;
  private constructor(
    readonly db: DataSource,
    private readonly cfg: ReturnType<typeof loadServerConfig>,
  ) {
    this.sequencer = new AuditSequencer((fn) => db.transaction((em) => fn(em)));
  }

  static async open(): Promise<ServerContext> {
    const cfg = loadServerConfig();
    const db = createDataSource(cfg.SCM_DATABASE_URL, 2);
    await db.initialize();
    return new ServerContext(db, cfg);
  }

  hsm(): HsmContext {
    this.hsmCtx ??= HsmContext.open(hsmSettingsFrom(this.cfg));
    return this.hsmCtx;
  }

  /** The operator at this terminal, as the audit chain names them. */
  static cliActor(what: string): Pick<AuditEventInput, 'actor' | 'actorName' | 'role'> {
    return { actor: `cli:${what}`, actorName: userInfo().username, role: null };
  }

  /** A transaction whose audit events commit with it; they are in the chain when it returns. */
  async tx<T>(fn: (em: EntityManager, audit: (e: AuditEventInput) => void) => Promise<T>): Promise<T> {
    const events: AuditEventInput[] = [];
    const r = await this.db.transaction(async (em) => {
      events.length = 0;
      const r = await fn(em, (e) => events.push(e));
      await appendAudit(em, events, new Date());
      return r;
    });
    // The change has committed whatever happens here; a pass that fails leaves the events to the API's poll.
    if (events.length) await this.sequencer.settle().catch(() => undefined);
    return r;
  }

  async close(): Promise<void> {
    this.hsmCtx?.close();
    await this.db.destroy();
  }
}

function loadServerConfig() {
  return loadConfig({ ...stateSchema, ...databaseSchema, ...hsmSchema });
}
