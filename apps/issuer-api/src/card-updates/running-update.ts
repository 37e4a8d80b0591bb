import type { Card, CardRepository } from '../issuance/cards/card.repository';
import type { Tx } from '../platform/infra/unit-of-work';
import type { CardUpdate, CardUpdateRepository } from './card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from './card-update-errors';

/** The update, locked, when it is running on this worker (with its card); the refusal otherwise. */
export async function runningOn(
  tx: Tx,
  repos: { updates: CardUpdateRepository; cards: CardRepository },
  id: string,
  workerId: string,
): Promise<{ u: CardUpdate; card: Card } | CardUpdateError> {
  const u = await repos.updates.lock(tx, id);
  if (!u) return new CardUpdateError(CardUpdateErrorCode.NotFound, `no card update ${id}`, { id });
  if (u.state !== 'running' || u.workerId !== workerId)
    return new CardUpdateError(CardUpdateErrorCode.NotRunner, `card update ${id} is not running on worker ${workerId}`, {
      id,
      state: u.state,
    });
  const card = await repos.cards.get(u.cardId, tx);
  if (!card?.serial || !card.vscId || !card.requestId) throw new Error(`card ${u.cardId} of update ${id} has no identity`);
  return { u, card };
}

export const runnerDenial = (action: string, id: string, workerId: string) => ({
  action,
  targetType: 'card-update',
  targetId: id,
  details: { workerId },
});
