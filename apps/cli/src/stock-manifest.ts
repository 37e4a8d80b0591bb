import { CsvError, parseCsv } from './csv';
import { CliError } from './output';

/** What `scm stock import` sends: docs/stock.md, "Manifest". */
export interface StockManifest {
  name?: string;
  vendor?: string;
  algorithm?: string;
  attestationRoot?: string;
  cards: Array<{ serial: string; transportKey: string }>;
}

export const MANIFEST_FORMAT = 'scm-stock-manifest/1';

/**
 * Reads a vendor manifest: JSON (`{"format": "scm-stock-manifest/1", "name", "vendor", "algorithm",
 * "attestationRoot", "cards": [{"serial", "transportKey"}]}`) or CSV with a header line
 * `serial,transport_key` (lines starting with # are comments). Keys are hex.
 */
export function parseStockManifest(text: string, file = 'manifest'): StockManifest {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(trimmed) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (j.format !== MANIFEST_FORMAT) throw new CliError(`${file}: "format" must be "${MANIFEST_FORMAT}"`);
    if (!Array.isArray(j.cards)) throw new CliError(`${file}: "cards" must be a list of {"serial", "transportKey"}`);
    const cards = (j.cards as Array<Record<string, unknown>>).map((c, i) => {
      if (typeof c?.serial !== 'string' || typeof c?.transportKey !== 'string')
        throw new CliError(`${file}: card ${i + 1} needs "serial" and "transportKey" (hex) as strings`);
      return { serial: c.serial, transportKey: c.transportKey };
    });
    const str = (k: string) => (typeof j[k] === 'string' ? { [k]: j[k] as string } : {});
    return { ...str('name'), ...str('vendor'), ...str('algorithm'), ...str('attestationRoot'), cards };
  }
  let records;
  try {
    records = parseCsv(
      text
        .split(/\r?\n/)
        .map((l) => (l.trimStart().startsWith('#') ? '' : l))
        .join('\n'),
    );
  } catch (e) {
    throw new CliError(`${file}: ${e instanceof CsvError ? e.message : String(e)}`);
  }
  const [head, ...rows] = records;
  const cols = head?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const si = cols.indexOf('serial');
  const ki = cols.indexOf('transport_key');
  if (si < 0 || ki < 0) throw new CliError(`${file}: the first line must name the columns "serial,transport_key"`);
  return {
    cards: rows.map((r) => {
      const serial = r.fields[si]?.trim();
      const transportKey = r.fields[ki]?.trim();
      if (!serial || !transportKey) throw new CliError(`${file}: line ${r.line}: a serial and a transport key are needed`);
      return { serial, transportKey };
    }),
  };
}
