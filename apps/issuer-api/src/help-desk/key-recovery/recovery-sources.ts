import type { VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { KeyRecoveryRepository } from './key-recovery.repository';

/** Where a cardholder's keys are recovered from: their escrow VSCs with an escrowed version, newest VSC first, each at its newest escrowed version. */
export async function recoverySources(
  recoveries: KeyRecoveryRepository,
  vscs: VscRepository,
  cardholderId: string,
  tx: TxScope,
): Promise<Array<{ vscId: string; version: number }>> {
  const out: Array<{ vscId: string; version: number }> = [];
  for (const v of await recoveries.escrowVscsOf(cardholderId, tx)) {
    const version = await vscs.latestEscrowed(v.id, tx);
    if (version !== undefined) out.push({ vscId: v.id, version });
  }
  return out;
}
