import { CardholderErrorCode } from '../cardholder-errors';
import { InMemoryCardholderRepository } from '../in-memory-cardholder.repository';
import { ShowCardholderHandler } from './show-cardholder.handler';
import { ShowCardholderQuery } from './show-cardholder.query';

describe('ShowCardholderHandler', () => {
  it('shows a cardholder, and is NotFound for an unknown id', async () => {
    const repo = new InMemoryCardholderRepository();
    repo.seed({ id: 'c1', name: 'Alice Martin', upn: 'amartin@corp', orgIds: ['EMP-1'], status: 'offboarded' });
    const h = new ShowCardholderHandler(repo);
    expect(await h.execute(new ShowCardholderQuery('c1'))).toMatchObject({ id: 'c1', orgIds: ['EMP-1'], status: 'offboarded' });
    await expect(h.execute(new ShowCardholderQuery('c9'))).rejects.toMatchObject({
      code: CardholderErrorCode.NotFound,
      message: 'no cardholder c9',
    });
  });
});
