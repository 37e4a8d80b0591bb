import type { VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import { TemporaryCardError, TemporaryCardErrorCode } from './temporary-card-errors';

/** The sealed content of an escrowed version of a temporary card: what its host serves and what its PIN is checked against. */
export async function escrowedContent(vscs: VscRepository, id: string, version: number, tx?: TxScope): Promise<Buffer> {
  const v = await vscs.version(id, version, tx);
  if (!v?.escrowedAt) throw new TemporaryCardError(TemporaryCardErrorCode.NoEscrow, `temporary card ${id} v${version} is not escrowed`);
  return v.content;
}
