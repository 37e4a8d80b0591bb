import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CaCertificateEntity } from '@scm/db';
import type { DataSource } from 'typeorm';
import type { TxScope } from '../platform/infra/unit-of-work';
import type { CertificateFilter, CertificateRepository, IssuedCertificateRecord } from './certificate.repository';

@Injectable()
export class PgCertificateRepository implements CertificateRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  find(f: CertificateFilter, tx?: TxScope): Promise<IssuedCertificateRecord[]> {
    const q = (tx?.em ?? this.ds.manager).createQueryBuilder(CaCertificateEntity, 'c');
    if (f.serial !== undefined) q.andWhere('c.serial = :serial', { serial: f.serial });
    if (f.requestId !== undefined) q.andWhere(`c.reference->>'requestId' = :requestId`, { requestId: f.requestId });
    if (f.temporaryCardId !== undefined) q.andWhere(`c.reference->>'temporaryCardId' = :tmp`, { tmp: f.temporaryCardId });
    if (f.slot !== undefined) q.andWhere(`c.reference->>'slot' = :slot`, { slot: f.slot });
    if (f.statuses) q.andWhere('c.status IN (:...statuses)', { statuses: f.statuses.length ? [...f.statuses] : [''] });
    q.orderBy('c.createdAt', 'ASC').addOrderBy('c.serial', 'ASC');
    if (f.limit !== undefined) q.take(f.limit);
    return q.getMany();
  }

  async latestNotAfter(requestId: string, tx: TxScope): Promise<Date | undefined> {
    const r = await tx.em
      .createQueryBuilder(CaCertificateEntity, 'c')
      .select('max(c.notAfter)', 't')
      .where(`c.reference->>'requestId' = :requestId`, { requestId })
      .getRawOne<{ t: Date | null }>();
    return r?.t ?? undefined;
  }

  countListed(caId: string, at: Date, tx: TxScope): Promise<number> {
    return tx.em
      .createQueryBuilder(CaCertificateEntity, 'c')
      .where(`c.caId = :caId AND c.status <> 'valid' AND c.notAfter >= :at`, { caId, at })
      .getCount();
  }
}
