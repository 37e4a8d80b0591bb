import { randomUUID } from 'node:crypto';
import type { HsmContext } from '@scm/hsm';
import { sampleMaterial, sampleVsc, type SampleMaterial } from '../../libs/archive/src/testing/fixtures';
import { HsmKeyProtector } from '@scm/vsc';
import { appDb, uniqueName } from '@scm/test-kit';

export interface EscrowedCard {
  cardId: string;
  serial: string;
  vscId: string;
  version: number;
  content: Buffer;
  sha256: string;
}

let material: Promise<SampleMaterial> | undefined;

/**
 * Issued cards with their VSCs escrowed, as issuance leaves them (fixture rows, written as the
 * application role): each VSC sealed through the test HSM's KEK and recovery key, version 1
 * stored with its SHA-256 and marked escrowed, and a card in state `issued` bound to it.
 */
export async function escrowedCards(hsm: HsmContext, n: number): Promise<EscrowedCard[]> {
  material ??= sampleMaterial();
  const m = await material;
  const protector = new HsmKeyProtector(hsm);
  const db = await appDb();
  const out: EscrowedCard[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const serial = uniqueName('ARC')
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(-20);
      const v = await sampleVsc(m, protector, serial);
      const cardId = randomUUID();
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO vsc (id, kind, label, current_version, state, created_at, updated_at) VALUES ($1, 'escrow', $2, 1, $3, now(), now())`,
        [
          v.vscId,
          `VSC ${serial}`,
          JSON.stringify({ sequence: 1, status: 'active', pin: { remaining: 3, total: 3 }, puk: { remaining: 3, total: 3 } }),
        ],
      );
      await db.query(
        `INSERT INTO vsc_version (vsc_id, version, content, sha256, size, kek_label, recovery_label, reason, created_at, escrowed_at)
         VALUES ($1, 1, $2, $3, $4, 'scm-vsc-kek/1', 'scm-recovery/1', 'archive test fixture', now(), now())`,
        [v.vscId, v.content, v.sha256, v.content.length],
      );
      await db.query(
        `INSERT INTO card (id, serial, state, vsc_id, state_changed_at, created_at) VALUES ($1, $2, 'issued', $3, now(), now())`,
        [cardId, serial, v.vscId],
      );
      await db.query('COMMIT');
      out.push({ cardId, serial, vscId: v.vscId, version: 1, content: v.content, sha256: v.sha256.toString('hex') });
    }
  } finally {
    await db.end();
  }
  return out;
}
