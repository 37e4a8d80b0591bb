import { TestUnitOfWork, testActor } from '../../../platform/testing/test-unit-of-work';
import { CardholderErrorCode } from '../cardholder-errors';
import { CardholderRegistry } from '../cardholder-registry.service';
import { InMemoryCardholderRepository } from '../in-memory-cardholder.repository';
import { CreateCardholderCommand } from './create-cardholder.command';
import { CreateCardholderHandler } from './create-cardholder.handler';

describe('CreateCardholderHandler', () => {
  const setup = () => {
    const repo = new InMemoryCardholderRepository();
    const uow = new TestUnitOfWork();
    return { repo, uow, handler: new CreateCardholderHandler(uow, new CardholderRegistry(repo)) };
  };

  it('registers a cardholder, normalised, and audits it', async () => {
    const { repo, uow, handler } = setup();
    const v = await handler.execute(
      new CreateCardholderCommand(
        { name: ' Alice  Martin', upn: 'amartin@corp', email: 'alice@example.org', orgIds: ['EMP-1'] },
        testActor(),
      ),
    );
    expect(v).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Alice Martin',
      email: 'alice@example.org',
      upn: 'amartin@corp',
      orgIds: ['EMP-1'],
      status: 'active',
      createdAt: uow.testClock.now().toISOString(),
    });
    expect(repo.rows.get(v.id)).toMatchObject({ name: 'Alice Martin', upn: 'amartin@corp', status: 'active' });
    expect(uow.events).toEqual([
      expect.objectContaining({
        action: 'cardholder.created',
        targetType: 'cardholder',
        targetId: v.id,
        outcome: 'success',
        details: { name: 'Alice Martin', upn: 'amartin@corp', email: 'alice@example.org' },
      }),
    ]);
  });

  it('refuses an invalid cardholder, naming the field, and creates nothing', async () => {
    const { repo, uow, handler } = setup();
    await expect(handler.execute(new CreateCardholderCommand({ name: '', upn: 'x@corp' }, testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.Invalid,
      meta: { field: 'name' },
    });
    expect(repo.rows.size).toBe(0);
    expect(uow.events).toEqual([]);
  });

  it('refuses a UPN another cardholder has (any case) as upn-taken', async () => {
    const { repo, handler } = setup();
    repo.seed({ id: 'c1', name: 'First', upn: 'AMartin@corp' });
    await expect(handler.execute(new CreateCardholderCommand({ name: 'Second', upn: 'amartin@CORP' }, testActor()))).rejects.toMatchObject({
      code: CardholderErrorCode.UpnTaken,
      message: 'UPN amartin@corp belongs to cardholder c1 already',
    });
    expect(repo.rows.size).toBe(1);
  });
});
