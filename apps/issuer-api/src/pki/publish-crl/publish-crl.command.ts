import { Command } from '@nestjs/cqrs';
import type { PublishedCrl } from '../crl-publisher.service';

/** An officer has a CA sign and publish a new CRL now; undefined when this API does not sign that CA's CRLs. */
export class PublishCrlCommand extends Command<PublishedCrl | undefined> {
  constructor(readonly caId: string) {
    super();
  }
}
