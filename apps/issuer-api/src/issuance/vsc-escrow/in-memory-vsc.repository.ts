import type { VscStateJson } from '@scm/db';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { StoredVsc, StoredVscVersion, VscBinding, VscRepository, VscVersionFacts } from './vsc.repository';

/** VSCs and their versions in memory, for handler specs. */
export class InMemoryVscRepository implements VscRepository {
  readonly vscs = new Map<string, StoredVsc>();
  readonly stored: StoredVscVersion[] = [];

  async insert(_tx: TxScope, vsc: StoredVsc): Promise<void> {
    if (this.vscs.has(vsc.id)) throw new Error(`duplicate VSC ${vsc.id}`);
    this.vscs.set(vsc.id, { ...vsc });
  }

  async advance(tx: TxScope, id: string, from: number, to: number): Promise<boolean> {
    const v = this.vscs.get(id);
    if (!v || v.currentVersion !== from) return false;
    this.vscs.set(id, { ...v, currentVersion: to, updatedAt: tx.now });
    return true;
  }

  async insertVersion(_tx: TxScope, version: StoredVscVersion): Promise<void> {
    if (this.stored.some((s) => s.vscId === version.vscId && s.version === version.version))
      throw new Error(`duplicate version ${version.vscId} v${version.version}`);
    this.stored.push({ ...version });
  }

  async get(id: string): Promise<StoredVsc | undefined> {
    const v = this.vscs.get(id);
    return v && { ...v };
  }

  async version(vscId: string, version: number | undefined): Promise<StoredVscVersion | undefined> {
    const v = version ?? this.vscs.get(vscId)?.currentVersion;
    const s = this.stored.find((x) => x.vscId === vscId && x.version === v);
    return s && { ...s };
  }

  async versions(vscId: string): Promise<VscVersionFacts[]> {
    return this.stored
      .filter((s) => s.vscId === vscId)
      .sort((a, b) => a.version - b.version)
      .map(({ content: _content, ...facts }) => facts);
  }

  async markEscrowed(tx: TxScope, vscId: string, version: number): Promise<boolean> {
    const s = this.stored.find((x) => x.vscId === vscId && x.version === version);
    if (!s || s.escrowedAt) return false;
    s.escrowedAt = tx.now;
    return true;
  }

  async latestEscrowed(vscId: string): Promise<number | undefined> {
    const v = this.stored.filter((s) => s.vscId === vscId && s.escrowedAt).map((s) => s.version);
    return v.length ? Math.max(...v) : undefined;
  }

  async ofRequest(requestId: string): Promise<StoredVsc | undefined> {
    return [...this.vscs.values()].find((v) => v.requestId === requestId && v.kind === 'escrow');
  }

  async patchState(tx: TxScope, id: string, patch: Partial<VscStateJson>): Promise<void> {
    const v = this.vscs.get(id);
    if (v) this.vscs.set(id, { ...v, state: { ...v.state, ...patch }, updatedAt: tx.now });
  }

  async lockOfRequest(_tx: TxScope, requestId: string): Promise<StoredVsc | undefined> {
    const v = await this.ofRequest(requestId);
    return v && { ...v };
  }

  async setBinding(tx: TxScope, vscId: string, binding: VscBinding | null): Promise<void> {
    const v = this.vscs.get(vscId);
    if (!v) return;
    const { binding: _old, ...rest } = v.state;
    this.vscs.set(vscId, { ...v, state: binding ? { ...rest, binding } : rest, updatedAt: tx.now });
  }
}
