import { Command } from '@nestjs/cqrs';

/** The maintenance job: a temporary card past its expiry becomes expired; answers whether it did. */
export class ExpireTemporaryCardCommand extends Command<boolean> {
  constructor(readonly temporaryCardId: string) {
    super();
  }
}
