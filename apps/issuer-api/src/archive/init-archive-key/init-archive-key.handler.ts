import { createHash } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { archiveSigner, currentArchiveKey, provisionArchiveKey } from '@scm/archive';
import { CaService } from '../../pki/ca.service';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { ArchiveEnvironment } from '../archive-environment';
import { InitArchiveKeyCommand, type InitArchiveKeyResult } from './init-archive-key.command';

@CommandHandler(InitArchiveKeyCommand)
export class InitArchiveKeyHandler implements ICommandHandler<InitArchiveKeyCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly env: ArchiveEnvironment,
    private readonly ca: CaService,
  ) {}

  execute(c: InitArchiveKeyCommand): Promise<InitArchiveKeyResult> {
    return this.uow.run(c.actor, async (tx) => {
      const env = this.env.forTx(tx);
      const first = await provisionArchiveKey(env.hsm);
      const firstLabel = `${first.ref.label}/${first.ref.version}`;
      if (first.created) tx.audit({ action: 'archive.key-created', targetType: 'archive-key', targetId: firstLabel, outcome: 'success' });
      const ref = await currentArchiveKey(env.hsm);
      const key = `${ref.label}/${ref.version}`;
      if (!(await this.ca.issuingCertificate(tx))) {
        return {
          key,
          created: first.created,
          certificate: { missing: 'the issuing CA is not set up: run "scm ca init", then this again' },
        };
      }
      const before = await env.store.signerCertificates(key);
      const cert = (await archiveSigner({ ...env, key: ref })).certificates[0];
      return {
        key,
        created: first.created,
        certificate: { fresh: !before || !before.certificates[0].equals(cert), sha256: createHash('sha256').update(cert).digest('hex') },
      };
    });
  }
}
