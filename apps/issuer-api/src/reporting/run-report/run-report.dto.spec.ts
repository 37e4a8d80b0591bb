import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ReportQueryDto, reportFilterOf } from './run-report.dto';

describe('ReportQueryDto', () => {
  const errors = (q: Record<string, unknown>) =>
    validateSync(plainToInstance(ReportQueryDto, q)).flatMap((e) => Object.keys(e.constraints ?? {}).map((c) => `${e.property}:${c}`));

  it('accepts no parameters, or ISO dates, an actor and a format', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ from: '2026-01-01', to: '2026-02-01T00:00:00Z', actor: 'user:42', format: 'pdf' })).toEqual([]);
  });

  it('refuses dates that are not ISO 8601, an unknown format and an over-long actor', () => {
    expect(errors({ from: 'yesterday' })).toEqual(['from:isDateString']);
    expect(errors({ to: '01/02/2026' })).toEqual(['to:isDateString']);
    expect(errors({ format: 'xlsx' })).toEqual(['format:isIn']);
    expect(errors({ actor: 'x'.repeat(201) })).toEqual(['actor:maxLength']);
  });

  it('turns the query into a report filter', () => {
    expect(reportFilterOf({ from: '2026-01-01', actor: 'olga' })).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: undefined,
      actor: 'olga',
    });
  });
});
