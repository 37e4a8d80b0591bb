import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { checkCardholder, type CardholderInput, type CardholderRow, type CardholderView, toCardholderView } from '../cardholder';
import { CardholderError, CardholderErrorCode } from '../cardholder-errors';
import { ImportCardholdersCommand, type ImportLineError } from './import-cardholders.command';

/**
 * Checks every cardholder (fields, UPN unique in the list and in the database) and inserts them
 * all in the caller's transaction, or returns every problem and inserts nothing.
 */
export async function insertCardholders(
  tx: Tx,
  inputs: readonly CardholderInput[],
): Promise<{ created: CardholderView[] } | { errors: ImportLineError[] }> {
  const errors: ImportLineError[] = [];
  const clean: Array<NonNullable<Extract<ReturnType<typeof checkCardholder>, { value: unknown }>['value']>> = [];
  const seen = new Map<string, number>();
  inputs.forEach((input, index) => {
    const r = checkCardholder(input);
    if ('problems' in r) {
      for (const p of r.problems) errors.push({ index, field: p.field, code: 'invalid', message: p.message });
      return;
    }
    const upn = r.value.upn?.toLowerCase();
    if (upn) {
      const first = seen.get(upn);
      if (first !== undefined)
        errors.push({ index, field: 'upn', code: 'duplicate', message: `UPN ${r.value.upn} appears twice`, otherIndex: first });
      else seen.set(upn, index);
    }
    clean[index] = r.value;
  });
  if (seen.size) {
    const taken = (await tx.em.query(`SELECT id, lower(upn) AS upn FROM cardholder WHERE lower(upn) = ANY($1::text[])`, [
      [...seen.keys()],
    ])) as Array<{ id: string; upn: string }>;
    for (const t of taken) {
      errors.push({
        index: seen.get(t.upn)!,
        field: 'upn',
        code: 'upn-taken',
        message: `UPN ${t.upn} belongs to cardholder ${t.id} already`,
      });
    }
  }
  if (errors.length) return { errors: errors.sort((a, b) => a.index - b.index) };
  const ids = clean.map(() => randomUUID());
  const rows = (await tx.em.query(
    `INSERT INTO cardholder (id, name, email, upn, org_ids, created_at, updated_at)
     SELECT id, name, email, upn, ARRAY(SELECT jsonb_array_elements_text(org)), $6, $6
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS t(id, name, email, upn, org)
     RETURNING id, name, email, upn, org_ids, status, created_at`,
    [ids, clean.map((c) => c.name), clean.map((c) => c.email), clean.map((c) => c.upn), clean.map((c) => JSON.stringify(c.orgIds)), tx.now],
  )) as CardholderRow[];
  for (const r of rows) {
    tx.audit({
      action: 'cardholder.created',
      targetType: 'cardholder',
      targetId: r.id,
      outcome: 'success',
      details: { name: r.name, upn: r.upn, email: r.email },
    });
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { created: ids.map((id) => toCardholderView(byId.get(id)!)) };
}

@CommandHandler(ImportCardholdersCommand)
export class ImportCardholdersHandler implements ICommandHandler<ImportCardholdersCommand, { created: number; ids: string[] }> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: ImportCardholdersCommand): Promise<{ created: number; ids: string[] }> {
    if (c.cardholders.length === 0) throw new CardholderError(CardholderErrorCode.Invalid, 'the list of cardholders is empty');
    if (c.cardholders.length > this.cfg.SCM_ISSUANCE_BATCH_MAX) {
      throw new CardholderError(
        CardholderErrorCode.TooMany,
        `at most ${this.cfg.SCM_ISSUANCE_BATCH_MAX} cardholders per call, got ${c.cardholders.length}`,
      );
    }
    return this.uow.run(c.actor, async (tx) => {
      const r = await insertCardholders(tx, c.cardholders);
      if ('errors' in r) {
        tx.audit({
          action: 'cardholder.imported',
          targetType: 'cardholder',
          targetId: null,
          outcome: 'failure',
          details: { lines: c.cardholders.length, errors: r.errors.length },
        });
        return tx.refuse(
          new CardholderError(
            CardholderErrorCode.InvalidBatch,
            `${r.errors.length} of ${c.cardholders.length} cardholders are wrong; nothing was imported`,
            {
              errors: r.errors,
            },
          ),
        );
      }
      return { created: r.created.length, ids: r.created.map((x) => x.id) };
    });
  }
}
