import { InMemoryReportViewsRepository } from './in-memory-report-views.repository';
import { REPORTS, reportNamed } from './report-definitions';

describe('report definitions', () => {
  const at = new Date('2026-11-20T10:00:00Z');
  const views = new InMemoryReportViewsRepository();
  views.issuanceRows.push({
    day: '2026-11-20',
    officer: 'olga',
    profile: 'default',
    requested: 3,
    issued: 1,
    failed: 1,
    cancelled: 0,
    open: 1,
  });
  views.cardReportRows.push({ at, action: 'card.reported', card: 'k1', reason: 'lost', by: 'hd', outcome: 'success' });
  views.approvalRows.push({ at, kind: 'key-recovery', request: 'ap1', requestedBy: 'olga', approvers: 'a, b', subject: '{"vsc":"v1"}' });
  views.activationRows.push({ at, vsc: 'v9', cardholder: 'h1', expires: '2026-11-27T10:00:00.000Z', by: 'hd' });
  views.failedRows.push({ at, action: 'auth.login', who: 'olga', reason: 'invalid-credentials', outcome: 'failure' });
  views.expiringRows.push({
    notAfter: at,
    certificate: '0a1b',
    slot: '9a',
    card: '1001',
    cardState: 'active',
    cardholder: 'Holder One',
    renewal: 'renew:awaiting-approval',
  });
  views.volumeRows.push({
    volume: 2,
    volumeId: 'SCM_ARCHIVE_000002',
    imageName: 'i',
    sidecarName: 's',
    directory: '/d',
    imageSha256: Buffer.alloc(32, 2),
    imageSize: '4096',
    manifestSha256: Buffer.alloc(32),
    previousVolume: 1,
    previousSha256: Buffer.alloc(32, 1),
    auditSeq: '77',
    auditHeadHash: Buffer.alloc(32),
    signerKey: 'scm-archive/1',
    signerCertSha256: Buffer.alloc(32),
    entries: 5,
    createdAt: at,
  });

  it('gives every row exactly the report’s columns, times in ISO 8601', async () => {
    for (const def of REPORTS) {
      const rows = await def.run(views, {});
      expect(rows).toHaveLength(1);
      expect(Object.keys(rows[0]).sort()).toEqual(def.columns.map((c) => c.key).sort());
    }
    expect(await reportNamed('reissues').run(views, {})).toEqual([
      { at: '2026-11-20T10:00:00.000Z', action: 'card.reported', card: 'k1', reason: 'lost', by: 'hd', outcome: 'success' },
    ]);
  });

  it('shows archive volumes with hex hashes and the audit head as a number', async () => {
    expect(await reportNamed('archive-volumes').run(views, {})).toEqual([
      {
        volume: 2,
        created: '2026-11-20T10:00:00.000Z',
        entries: 5,
        imageSha256: '02'.repeat(32),
        previousSha256: '01'.repeat(32),
        auditSeq: 77,
      },
    ]);
  });

  it('passes the filter to the read model', async () => {
    const f = { from: new Date('2026-12-01T00:00:00Z') };
    expect(await reportNamed('temporary-cards').run(views, f)).toEqual([]);
    expect(views.asked.at(-1)).toBe(f);
  });
});
