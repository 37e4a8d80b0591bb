import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VscEntity, type VscStateJson, VscVersionEntity } from '@scm/db';
import { type DataSource, IsNull, Not } from 'typeorm';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { StoredVsc, StoredVscVersion, VscBinding, VscRepository, VscVersionFacts } from './vsc.repository';

@Injectable()
export class PgVscRepository implements VscRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private em(tx?: TxScope) {
    return tx?.em ?? this.ds.manager;
  }

  async insert(tx: TxScope, vsc: StoredVsc): Promise<void> {
    await tx.em.insert(VscEntity, vsc);
  }

  async advance(tx: TxScope, id: string, from: number, to: number): Promise<boolean> {
    const r = await tx.em.update(VscEntity, { id, currentVersion: from }, { currentVersion: to, updatedAt: tx.now });
    return r.affected === 1;
  }

  async insertVersion(tx: TxScope, version: StoredVscVersion): Promise<void> {
    await tx.em.insert(VscVersionEntity, version);
  }

  async get(id: string, tx?: TxScope): Promise<StoredVsc | undefined> {
    return (await this.em(tx).findOneBy(VscEntity, { id })) ?? undefined;
  }

  async version(vscId: string, version: number | undefined, tx?: TxScope): Promise<StoredVscVersion | undefined> {
    const em = this.em(tx);
    const v = version ?? (await em.findOneBy(VscEntity, { id: vscId }))?.currentVersion;
    if (v === undefined) return undefined;
    return (await em.findOneBy(VscVersionEntity, { vscId, version: v })) ?? undefined;
  }

  versions(vscId: string, tx?: TxScope): Promise<VscVersionFacts[]> {
    return this.em(tx).find(VscVersionEntity, {
      select: [
        'vscId',
        'version',
        'sha256',
        'size',
        'kekLabel',
        'recoveryLabel',
        'reason',
        'createdAt',
        'escrowedAt',
        'purgedAt',
        'purgeId',
      ],
      where: { vscId },
      order: { version: 'ASC' },
    });
  }

  async markEscrowed(tx: TxScope, vscId: string, version: number): Promise<boolean> {
    const r = await tx.em.update(VscVersionEntity, { vscId, version, escrowedAt: IsNull() }, { escrowedAt: tx.now });
    return r.affected === 1;
  }

  async latestEscrowed(vscId: string, tx: TxScope): Promise<number | undefined> {
    const v = await this.em(tx).findOne(VscVersionEntity, {
      select: ['version'],
      where: { vscId, escrowedAt: Not(IsNull()) },
      order: { version: 'DESC' },
    });
    return v?.version;
  }

  async ofRequest(requestId: string, tx?: TxScope): Promise<StoredVsc | undefined> {
    return (await this.em(tx).findOneBy(VscEntity, { requestId, kind: 'escrow' })) ?? undefined;
  }

  async patchState(tx: TxScope, id: string, patch: Partial<VscStateJson>): Promise<void> {
    // jsonb merge in place: concurrent patches of different fields do not undo each other.
    await tx.em.query(`UPDATE vsc SET state = state || $2::jsonb, updated_at = $3 WHERE id = $1`, [id, JSON.stringify(patch), tx.now]);
  }

  async lockOfRequest(tx: TxScope, requestId: string): Promise<StoredVsc | undefined> {
    return (
      (await tx.em
        .createQueryBuilder(VscEntity, 'v')
        .where('v.requestId = :requestId AND v.kind = :kind', { requestId, kind: 'escrow' })
        .setLock('pessimistic_write')
        .getOne()) ?? undefined
    );
  }

  async setBinding(tx: TxScope, vscId: string, binding: VscBinding | null): Promise<void> {
    // One jsonb operation: the rest of the state (counters, status) may change in other transactions.
    if (binding) {
      await tx.em.query(`UPDATE vsc SET state = jsonb_set(state, '{binding}', $2::jsonb), updated_at = $3 WHERE id = $1`, [
        vscId,
        JSON.stringify(binding),
        tx.now,
      ]);
    } else {
      await tx.em.query(`UPDATE vsc SET state = state - 'binding', updated_at = $2 WHERE id = $1`, [vscId, tx.now]);
    }
  }
}
