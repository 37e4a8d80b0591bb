import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import type { CardholderView } from '../cardholder';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { insertCardholders } from '../import-cardholders/import-cardholders.handler';
import { CreateCardholderCommand } from './create-cardholder.command';

@CommandHandler(CreateCardholderCommand)
export class CreateCardholderHandler implements ICommandHandler<CreateCardholderCommand, CardholderView> {
  constructor(private readonly uow: UnitOfWork) {}

  execute(c: CreateCardholderCommand): Promise<CardholderView> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await insertCardholders(tx, [c.input]);
      if ('errors' in r) {
        const e = r.errors[0];
        return tx.refuse(
          new CardholderError(e.code === 'upn-taken' ? CardholderErrorCode.UpnTaken : CardholderErrorCode.Invalid, e.message, {
            field: e.field,
          }),
        );
      }
      return r.created[0];
    });
  }
}
