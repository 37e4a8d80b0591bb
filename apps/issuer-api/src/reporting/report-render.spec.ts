import { type RenderedReport, toCsv, toPdf } from './report-render';

const report = (over: Partial<RenderedReport> = {}): RenderedReport => ({
  name: 'failed-attempts',
  title: 'Failed PIN and login attempts',
  generatedAt: '2026-12-01T09:00:00.000Z',
  generatedBy: 'audrey',
  filter: { from: '2026-11-01T00:00:00.000Z', to: null, actor: null },
  columns: [
    { key: 'at', title: 'When' },
    { key: 'who', title: 'Account or card' },
    { key: 'n', title: 'Count' },
  ],
  rows: [
    { at: '2026-11-20T10:00:00.000Z', who: 'olga', n: 2 },
    { at: '2026-11-21T10:00:00.000Z', who: null, n: 0 },
  ],
  chain: { headSeq: 42, headHash: 'ab'.repeat(32), verified: true, latestCheckpoint: 42, broken: null, problems: [] },
  ...over,
});

/** The text pdfkit drew (hex strings inside TJ operators of an uncompressed PDF). */
const pdfText = (pdf: Buffer): string =>
  [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...m[1].matchAll(/<([0-9a-fA-F]+)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''))
    .join('\n');

describe('toCsv', () => {
  it('writes a header of column titles and one quoted row per result, CRLF-terminated; null is empty', () => {
    expect(toCsv(report())).toBe(
      '"When","Account or card","Count"\r\n"2026-11-20T10:00:00.000Z","olga","2"\r\n"2026-11-21T10:00:00.000Z","","0"\r\n',
    );
  });

  it('doubles quotes and neutralises cells a spreadsheet would run as formulas', () => {
    const rows = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'say "hi"'].map((who) => ({ at: '', who, n: 0 }));
    const lines = toCsv(report({ rows })).split('\r\n').slice(1, -1);
    expect(lines.map((l) => l.split(',')[1])).toEqual([`"'=1+1"`, `"'+1"`, `"'-1"`, `"'@SUM(A1)"`, `"'\tx"`, '"say ""hi"""']);
  });

  it('writes only the header for an empty report', () => {
    expect(toCsv(report({ rows: [] }))).toBe('"When","Account or card","Count"\r\n');
  });
});

describe('toPdf', () => {
  it('is a PDF with the title, the period, the rows and the verified chain head', async () => {
    const pdf = await toPdf(report());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Failed PIN and login attempts');
    expect(text).toContain('Generated 2026-12-01T09:00:00.000Z by audrey');
    expect(text).toContain('Period: 2026-11-01T00:00:00.000Z to now');
    expect(text).toContain(`Audit chain head: event 42, SHA-256 ${'ab'.repeat(32)}`);
    expect(text).toContain('Verification: OK');
    expect(text).toContain('olga');
    expect(text).toContain('2 row(s). SCM report "failed-attempts".');
  });

  it('says when the chain failed verification, and when there is nothing in the period', async () => {
    const text = pdfText(
      await toPdf(
        report({
          rows: [],
          chain: {
            headSeq: 9,
            headHash: 'cd'.repeat(32),
            verified: false,
            latestCheckpoint: null,
            broken: 'event 7: hash mismatch',
            problems: [],
          },
        }),
      ),
    );
    expect(text).toContain('Verification: FAILED');
    expect(text).toContain('event 7: hash mismatch');
    expect(text).toContain('(nothing in this period)');
  });
});
