import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { type CardholderView, type PendingApproval, toCardholderView, toPendingApproval } from '../cardholder';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { CardholderRegistry } from '../cardholder-registry.service';
import { CreateCardholderCommand } from './create-cardholder.command';

@CommandHandler(CreateCardholderCommand)
export class CreateCardholderHandler implements ICommandHandler<CreateCardholderCommand, CardholderView & { approval?: PendingApproval }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly registry: CardholderRegistry,
  ) {}

  execute(c: CreateCardholderCommand): Promise<CardholderView & { approval?: PendingApproval }> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await this.registry.register(tx, [c.input]);
      if ('errors' in r) {
        const e = r.errors[0];
        return tx.refuse(
          new CardholderError(e.code === 'upn-taken' ? CardholderErrorCode.UpnTaken : CardholderErrorCode.Invalid, e.message, {
            field: e.field,
          }),
        );
      }
      return { ...toCardholderView(r.created[0]), ...(r.approval ? { approval: toPendingApproval(r.approval) } : {}) };
    });
  }
}
