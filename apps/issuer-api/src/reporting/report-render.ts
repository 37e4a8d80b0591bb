import PDFDocument from 'pdfkit';
import type { ReportColumn, ReportRow } from './report-definitions';

export interface RenderedReport {
  name: string;
  title: string;
  generatedAt: string;
  generatedBy: string;
  filter: { from: string | null; to: string | null; actor: string | null };
  columns: ReportColumn[];
  rows: ReportRow[];
  chain: {
    headSeq: number;
    headHash: string;
    verified: boolean;
    latestCheckpoint: number | null;
    broken: string | null;
    problems: string[];
  };
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote always; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
};

/** CSV (RFC 4180) with a header row; cells that a spreadsheet would run as formulas are neutralised. */
export function toCsv(r: RenderedReport): string {
  const lines = [r.columns.map((c) => csvCell(c.title)).join(',')];
  for (const row of r.rows) lines.push(r.columns.map((c) => csvCell(row[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A PDF for the file: the report, its filter, and the audit chain head with its verification result. */
export function toPdf(r: RenderedReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      compress: false,
      size: 'A4',
      layout: r.columns.length > 5 ? 'landscape' : 'portrait',
      margin: 40,
      info: { Title: r.title, Author: 'SCM', Subject: r.name },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(16).text(r.title);
    doc.font('Helvetica').fontSize(9).moveDown(0.3);
    doc.text(`Generated ${r.generatedAt} by ${r.generatedBy}`);
    doc.text(`Period: ${r.filter.from ?? 'beginning'} to ${r.filter.to ?? 'now'}${r.filter.actor ? `; actor ${r.filter.actor}` : ''}`);
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').text(`Audit chain head: event ${r.chain.headSeq}, SHA-256 ${r.chain.headHash}`);
    doc
      .font('Helvetica')
      .text(
        r.chain.verified
          ? `Verification: OK — the chain verifies end to end against its latest signed checkpoint (event ${r.chain.latestCheckpoint}).`
          : `Verification: FAILED — ${r.chain.broken ?? r.chain.problems.join('; ')}`,
      );
    doc.moveDown(0.8);
    const width = doc.page.width - 80;
    const colW = width / r.columns.length;
    const row = (cells: string[], bold = false) => {
      const y = doc.y;
      if (y > doc.page.height - 60) doc.addPage();
      const top = doc.y;
      let h = 0;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
      cells.forEach((c, i) => {
        const height = doc.heightOfString(c, { width: colW - 4 });
        h = Math.max(h, height);
        doc.text(c, 40 + i * colW, top, { width: colW - 4 });
      });
      doc.x = 40;
      doc.y = top + h + 3;
    };
    row(
      r.columns.map((c) => c.title),
      true,
    );
    for (const data of r.rows) row(r.columns.map((c) => (data[c.key] === null || data[c.key] === undefined ? '' : String(data[c.key]))));
    if (r.rows.length === 0) doc.font('Helvetica-Oblique').text('(nothing in this period)');
    doc.moveDown(1).font('Helvetica').fontSize(7).text(`${r.rows.length} row(s). SCM report "${r.name}".`, 40);
    doc.end();
  });
}
