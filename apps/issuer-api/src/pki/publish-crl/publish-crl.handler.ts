import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CrlPublisher, type PublishedCrl } from '../crl-publisher.service';
import { PublishCrlCommand } from './publish-crl.command';

@CommandHandler(PublishCrlCommand)
export class PublishCrlHandler implements ICommandHandler<PublishCrlCommand, PublishedCrl | undefined> {
  constructor(private readonly publisher: CrlPublisher) {}

  async execute(c: PublishCrlCommand): Promise<PublishedCrl | undefined> {
    if (!(await this.publisher.signs(c.caId))) return undefined;
    return this.publisher.publish(c.caId);
  }
}
