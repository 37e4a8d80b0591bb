import { randomUUID, X509Certificate } from 'node:crypto';
import type { Queryable } from '@scm/audit';
import type { RebuildPlan } from '../volume/rebuild-plan';
import { PgArchiveSource } from './pg-archive-source';

/** What a rebuild wrote. */
export interface RebuildCounts {
  volumes: number;
  vscs: number;
  versions: number;
  cards: number;
  cardholders: number;
  signers: number;
}

/** What the archive cannot give back: said by the rebuild, never hidden. */
export function notRebuilt(plan: RebuildPlan): string[] {
  const cp = plan.lastCheckpoint;
  return [
    cp
      ? `audit history: the archive holds the chain head of the last sealed checkpoint only (seq ${cp.seq}, ${cp.headHash}, signed ${cp.signedAt}); ` +
        'the events themselves, and every event after that checkpoint, are not in the archive (a database backup holds them)'
      : 'audit history: no volume, no checkpoint',
    'card lifecycle after sealing: activation, suspension, lost/stolen/damaged reports, replacements and terminations; ' +
      'rebuilt cards are "issued" as of their volume; check each against the CRLs and the help desk records',
    'escrowed VSC versions not yet sealed into a volume (issued after the last volume), and their cards',
    'requests in flight: issuance requests, approvals, key recoveries, temporary cards, card jobs and leases',
    'users, roles, sessions, workstations and enrolled workers (bootstrap the first admins and enrol again)',
    'stock batches and blank cards, card profiles other than the default, issuance requests and sponsors',
    'the CA records (issued-certificate index, CRL numbers): the CA keys are in the HSM, certificates are in the VSCs',
    'cardholder details not on certificates (e-mail, organisations, offboarding); a cardholder is matched by UPN, else by name',
    ...plan.problems.map((p) => `volume not used: ${p}`),
  ];
}

/**
 * Writes what the archive holds into an empty SCM database, as the application role, in the
 * caller's transaction: cardholders (from certificate subjects), escrow VSCs and their versions
 * (content byte for byte from the volumes), cards bound to their VSC by serial (state "issued"),
 * the archive key's certificate chain, and the volumes and their entries as if just sealed.
 */
export async function writeRebuild(db: Queryable, plan: RebuildPlan, now: Date): Promise<RebuildCounts> {
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  const counts: RebuildCounts = { volumes: 0, vscs: 0, versions: 0, cards: 0, cardholders: 0, signers: 0 };
  const holderIds = new Map<string, string>();
  for (const h of plan.cardholders.values()) {
    const id = randomUUID();
    holderIds.set(h.key, id);
    await q(`INSERT INTO cardholder (id, name, upn, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`, [id, h.name, h.upn, now]);
    counts.cardholders++;
  }
  // The newest version of each VSC decides its label, kind and cardholder.
  const byVsc = new Map<string, RebuildPlan['versions']>();
  for (const v of plan.versions) byVsc.set(v.entry.vscId, [...(byVsc.get(v.entry.vscId) ?? []), v]);
  const state = JSON.stringify({ sequence: 1, status: 'active', pin: { remaining: 3, total: 3 }, puk: { remaining: 3, total: 3 } });
  for (const [vscId, versions] of byVsc) {
    versions.sort((a, b) => a.entry.version - b.entry.version);
    const last = versions[versions.length - 1];
    const holder = last.cardholderKey ? (holderIds.get(last.cardholderKey) ?? null) : null;
    await q(
      `INSERT INTO vsc (id, kind, label, cardholder_id, current_version, state, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [vscId, last.kind, last.label, holder, last.entry.version, state, new Date(versions[0].sealedAt), now],
    );
    counts.vscs++;
    for (const v of versions) {
      await q(
        `INSERT INTO vsc_version (vsc_id, version, content, sha256, size, kek_label, recovery_label, reason, created_at, escrowed_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)`,
        [
          vscId,
          v.entry.version,
          v.content,
          Buffer.from(v.entry.sha256, 'hex'),
          v.entry.size,
          v.entry.kek,
          v.entry.recoveryKey,
          `rebuilt from archive volume ${v.volume}`,
          new Date(v.sealedAt),
        ],
      );
      counts.versions++;
    }
    const serial = last.entry.cardSerial;
    if (serial) {
      await q(
        `INSERT INTO card (id, serial, state, cardholder_id, vsc_id, state_changed_at, created_at) VALUES ($1,$2,'issued',$3,$4,$5,$5)`,
        [randomUUID(), serial, holder, vscId, new Date(last.sealedAt)],
      );
      counts.cards++;
    }
  }
  const signers = new Set<string>();
  const archive = new PgArchiveSource(db);
  for (const v of plan.volumes) {
    const [first] = v.certificates;
    if (first) {
      const cert = new X509Certificate(first);
      const key = `${v.record.signer.keyLabel}\0${cert.serialNumber}`;
      if (!signers.has(key)) {
        signers.add(key);
        await archive.saveSignerCertificates(
          v.record.signer.keyLabel,
          cert.serialNumber.toLowerCase(),
          v.certificates,
          new Date(cert.validTo),
          now,
        );
        counts.signers++;
      }
    }
    await archive.recordVolume(v.record, [v.entries]);
    counts.volumes++;
  }
  return counts;
}

/** How many VSCs and volumes the database holds already (a rebuild goes into an empty database). */
export async function escrowCounts(db: Queryable): Promise<{ vscs: number; volumes: number }> {
  const r = (await db.query(`SELECT (SELECT count(*) FROM vsc) AS vscs, (SELECT count(*) FROM archive_volume) AS volumes`, [])) as Array<{
    vscs: string;
    volumes: string;
  }>;
  return { vscs: Number(r[0].vscs), volumes: Number(r[0].volumes) };
}
