/** Card states in which a card has been issued to someone (docs: "Card lifecycle"). */
export const ISSUED_CARD_STATES = [
  'issued',
  'active',
  'suspended',
  'lost',
  'stolen',
  'damaged',
  'replaced',
  'terminated',
  'expired',
] as const;

/** An issued card and the escrowed versions of its VSC. */
export interface IssuedCard {
  cardId: string;
  serial: string | null;
  state: string;
  vscId: string | null;
  /** `purged`: a leaver's version emptied in the database after its retention period (docs/lifecycle.md). */
  versions: ReadonlyArray<{ version: number; sha256: string; purged?: boolean }>;
}

/** A VSC version found in a sealed volume. */
export interface ArchivedCopy {
  volume: number;
  vscId: string;
  version: number;
  sha256: string;
  cardSerial: string | null;
}

export interface CardVersionRef {
  cardId: string;
  serial: string | null;
  vscId: string;
  version: number;
}

export interface ReconciliationReport {
  ok: boolean;
  /** Issued cards looked at, their VSC versions, and copies found in volumes. */
  cards: number;
  versions: number;
  copies: number;
  volumes: number[];
  /** Versions of an issued card's VSC that are in no volume. */
  missing: CardVersionRef[];
  /** Versions in more than one volume (or twice in one). */
  duplicated: Array<CardVersionRef & { volumes: number[] }>;
  /** Copies whose hash (or recorded card serial) is not the escrow's. */
  mismatched: Array<CardVersionRef & { volume: number; reason: string }>;
  /** Issued cards with no VSC at all. */
  withoutVsc: Array<{ cardId: string; serial: string | null }>;
  /**
   * Versions purged from the database (a leaver's escrow past its retention): never missing; a copy
   * in a volume stays on the write-once media until the volume is destroyed, and is never read again.
   */
  purged: Array<CardVersionRef & { volumes: number[]; note: string }>;
}

/**
 * Checks that every issued card has each escrowed version of its VSC in exactly one sealed
 * volume, with the escrow's hash; lists the cards missing from the archive or present twice.
 */
export function reconcile(cards: readonly IssuedCard[], copies: readonly ArchivedCopy[]): ReconciliationReport {
  const byKey = new Map<string, ArchivedCopy[]>();
  for (const c of copies) {
    const k = `${c.vscId}/${c.version}`;
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  const report: ReconciliationReport = {
    ok: true,
    cards: cards.length,
    versions: 0,
    copies: copies.length,
    volumes: [...new Set(copies.map((c) => c.volume))].sort((a, b) => a - b),
    missing: [],
    duplicated: [],
    mismatched: [],
    withoutVsc: [],
    purged: [],
  };
  for (const card of cards) {
    if (!card.vscId) {
      report.withoutVsc.push({ cardId: card.cardId, serial: card.serial });
      continue;
    }
    if (!card.versions.length) report.missing.push({ cardId: card.cardId, serial: card.serial, vscId: card.vscId, version: 0 });
    for (const v of card.versions) {
      report.versions++;
      const ref: CardVersionRef = { cardId: card.cardId, serial: card.serial, vscId: card.vscId, version: v.version };
      const found = byKey.get(`${card.vscId}/${v.version}`) ?? [];
      if (v.purged) {
        const volumes = found.map((c) => c.volume).sort((a, b) => a - b);
        report.purged.push({
          ...ref,
          volumes,
          note: volumes.length
            ? `purged in DB, still on write-once media until the destruction of volume ${volumes.join(', ')}`
            : 'purged in DB before it was archived: no copy anywhere',
        });
        continue;
      }
      if (found.length === 0) report.missing.push(ref);
      if (found.length > 1) report.duplicated.push({ ...ref, volumes: found.map((c) => c.volume).sort((a, b) => a - b) });
      for (const c of found) {
        if (c.sha256 !== v.sha256)
          report.mismatched.push({ ...ref, volume: c.volume, reason: 'the archived copy has another SHA-256 than the escrow' });
        else if (c.cardSerial !== null && card.serial !== null && c.cardSerial !== card.serial)
          report.mismatched.push({ ...ref, volume: c.volume, reason: `the volume records card serial ${c.cardSerial}` });
      }
    }
  }
  report.ok = !report.missing.length && !report.duplicated.length && !report.mismatched.length && !report.withoutVsc.length;
  return report;
}
