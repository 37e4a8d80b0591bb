import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import type { Command } from 'commander';
import { caSchema, databaseSchema, hsmSchema, loadConfig, stateSchema } from '@scm/config';
import { appendAudit } from '@scm/audit';
import { createDataSource } from '@scm/db';
import { HsmContext, hsmSettingsFrom } from '@scm/hsm';
import { setupCaHierarchy } from '@scm/ca';
import { PgCaStore } from '@scm/ca';
import { api, apiUrl } from '../api-client';
import { CliError, printJson, table } from '../output';
import { ServerContext } from '../server-context';

type Cert = {
  caId: string;
  serial: string;
  template: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  status: string;
  reason: string | null;
  revokedAt: string | null;
  reference: Record<string, string> | null;
  pem: string;
};

const REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'];

/**
 * Creates (or reopens) the CA hierarchy on this machine's HSM and database: root, issuing CA,
 * PIV content signer and a first CRL of each CA. Idempotent; for development and single-host
 * set-ups (docs/card-profile.md 3.3 keeps the root offline instead).
 */
async function caInit(quiet: boolean): Promise<void> {
  const cfg = loadConfig({ ...stateSchema, ...databaseSchema, ...hsmSchema, ...caSchema });
  const ds = createDataSource(cfg.SCM_DATABASE_URL, 2);
  await ds.initialize();
  const hsm = HsmContext.open(hsmSettingsFrom(cfg));
  try {
    const store = new PgCaStore(() => (sql, params) => ds.query(sql, params) as Promise<unknown[]>);
    const ids = [cfg.SCM_CA_ROOT_ID, cfg.SCM_CA_ISSUING_ID, 'scm-content-signer'];
    const before = await Promise.all(ids.map((id) => store.getAuthority(id)));
    const h = await setupCaHierarchy(hsm, store, {
      organization: cfg.SCM_ORGANIZATION,
      publicBaseUrl: cfg.SCM_PUBLIC_URL,
      crlValidityHours: cfg.SCM_CRL_VALIDITY_HOURS,
      rootId: cfg.SCM_CA_ROOT_ID,
      issuingId: cfg.SCM_CA_ISSUING_ID,
    });
    const created = ids.filter((_, i) => !before[i]);
    if (created.length) {
      await ds.transaction(async (em) => {
        await appendAudit(
          em,
          created.map((id) => ({
            ...ServerContext.cliActor('ca-init'),
            requestId: null,
            action: 'ca.created',
            targetType: 'ca',
            targetId: id,
            outcome: 'success' as const,
            details: { publicBaseUrl: cfg.SCM_PUBLIC_URL },
          })),
          new Date(),
        );
      });
    }
    const certs = {
      [cfg.SCM_CA_ROOT_ID]: h.root.certificate,
      [cfg.SCM_CA_ISSUING_ID]: h.issuing.certificate,
      'scm-content-signer': h.contentSigner.certificate,
    };
    for (const id of ids) {
      if (quiet && !created.includes(id)) continue;
      process.stdout.write(
        `${id}: ${created.includes(id) ? 'created' : 'present'} (${certs[id].subject}, until ${certs[id].notAfter.toISOString().slice(0, 10)})\n`,
      );
    }
  } finally {
    hsm.close();
    await ds.destroy();
  }
}

export function registerCa(program: Command): void {
  const ca = program.command('ca').description('The issuing CA: certificates, revocation, CRLs');
  ca.command('init')
    .description('Create the root, the issuing CA and the PIV content signer if missing (server-side, idempotent; never replaces a key)')
    .option('-q, --quiet', 'print only what was created')
    .action((o: { quiet?: boolean }) => caInit(!!o.quiet));
  ca.command('show')
    .description('The CAs in the store: certificates, keys, latest CRL (server-side)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const ctx = await ServerContext.open();
      try {
        const rows = (await ctx.db.query(
          `SELECT a.ca_id, a.role, a.der, a.key_label, a.parent_id, c.crl_number, c.this_update, c.next_update
             FROM ca_authority a LEFT JOIN LATERAL (SELECT crl_number, this_update, next_update FROM ca_crl WHERE ca_id = a.ca_id ORDER BY crl_number DESC LIMIT 1) c ON true
            ORDER BY a.role, a.ca_id`,
        )) as Array<{
          ca_id: string;
          role: string;
          der: Buffer;
          key_label: string | null;
          parent_id: string | null;
          crl_number: string | null;
          this_update: Date | null;
          next_update: Date | null;
        }>;
        const out = rows.map((r) => {
          const c = new x509.X509Certificate(r.der);
          return {
            id: r.ca_id,
            role: r.role,
            subject: c.subject,
            notAfter: c.notAfter.toISOString(),
            key: r.key_label ?? '(offline)',
            parent: r.parent_id,
            crl: r.crl_number
              ? { number: Number(r.crl_number), thisUpdate: r.this_update!.toISOString(), nextUpdate: r.next_update!.toISOString() }
              : null,
          };
        });
        if (o.json) return printJson(out);
        process.stdout.write(
          `${table(
            ['ID', 'ROLE', 'SUBJECT', 'UNTIL', 'HSM KEY', 'CRL', 'NEXT UPDATE'],
            out.map((x) => [x.id, x.role, x.subject, x.notAfter.slice(0, 10), x.key, x.crl?.number, x.crl?.nextUpdate]),
          )}\n`,
        );
      } finally {
        await ctx.close();
      }
    });
  ca.command('cert <serial>')
    .description('A certificate and its status (--pem for the certificate alone)')
    .option('--pem', 'print the PEM')
    .option('--json', 'machine-readable output')
    .action(async (serial: string, o: { pem?: boolean; json?: boolean }) => {
      const c = await api<Cert>('GET', `/api/v1/certificates/${encodeURIComponent(serial)}`);
      if (o.pem) return void process.stdout.write(c.pem);
      if (o.json) return printJson(c);
      printCerts([c]);
    });
  ca.command('certs')
    .description('Certificates (of one issuance request with --request)')
    .option('--request <id>', 'issuance request id')
    .option('--status <status>', 'valid | on-hold | revoked')
    .option('--json', 'machine-readable output')
    .action(async (o: { request?: string; status?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(o.request ? { requestId: o.request } : {}), ...(o.status ? { status: o.status } : {}) });
      const list = await api<Cert[]>('GET', `/api/v1/certificates?${q}`);
      if (o.json) return printJson(list);
      printCerts(list);
    });
  ca.command('revoke <serial>')
    .description(`Revoke a certificate (final): --reason ${REASONS.join(' | ')}`)
    .requiredOption('--reason <reason>', 'RFC 5280 reason')
    .option('--comment <text>', 'why (audited)')
    .action(async (serial: string, o: { reason: string; comment?: string }) => {
      if (!REASONS.includes(o.reason)) throw new CliError(`--reason must be one of ${REASONS.join(', ')} (a hold is "scm ca hold")`);
      printCerts([
        await api<Cert>('POST', `/api/v1/certificates/${encodeURIComponent(serial)}/revoke`, {
          reason: o.reason,
          ...(o.comment ? { comment: o.comment } : {}),
        }),
      ]);
    });
  for (const [cmd, what] of [
    ['hold', 'Put a certificate on hold (certificateHold)'],
    ['release', 'Release a hold: the certificate is valid again and leaves the next CRL'],
  ] as const) {
    ca.command(`${cmd} <serial>`)
      .description(what)
      .option('--comment <text>', 'why (audited)')
      .action(async (serial: string, o: { comment?: string }) => {
        printCerts([
          await api<Cert>('POST', `/api/v1/certificates/${encodeURIComponent(serial)}/${cmd}`, o.comment ? { comment: o.comment } : {}),
        ]);
      });
  }
  ca.command('publish-crl')
    .description('Sign and publish a new CRL now (it is also published at every revocation and on a schedule)')
    .option('--ca <id>', 'CA id', 'scm-issuing')
    .action(async (o: { ca: string }) => {
      const r = await api<{ caId: string; crlNumber: number; thisUpdate: string; nextUpdate: string; entries: number }>(
        'POST',
        `/api/v1/crls/${encodeURIComponent(o.ca)}/publish`,
        {},
      );
      process.stdout.write(`${r.caId}: CRL ${r.crlNumber}, ${r.entries} entries, next update ${r.nextUpdate}\n`);
    });
  ca.command('crl')
    .description('Fetch the published CRL (as relying parties do: no login) and list its entries, or save it')
    .option('--ca <id>', 'CA id', 'scm-issuing')
    .option('--out <file>', 'write the DER CRL to this file')
    .action(async (o: { ca: string; out?: string }) => {
      const url = `${apiUrl()}/crl/${encodeURIComponent(o.ca)}.crl`;
      const res = await fetch(url).catch((e: Error) => {
        throw new CliError(`${url}: ${e.message}`);
      });
      if (!res.ok) throw new CliError(`${url}: HTTP ${res.status}`);
      const der = Buffer.from(await res.arrayBuffer());
      if (o.out) {
        writeFileSync(o.out, der);
        process.stdout.write(`${o.out}: ${der.length} bytes\n`);
        return;
      }
      const crl = new x509.X509Crl(der);
      process.stdout.write(
        `${crl.issuer}\nthis update ${crl.thisUpdate.toISOString()}, next update ${crl.nextUpdate?.toISOString() ?? '-'}\n`,
      );
      process.stdout.write(
        `${table(
          ['SERIAL', 'REVOKED', 'REASON'],
          crl.entries.map((e) => [
            e.serialNumber.toLowerCase(),
            e.revocationDate.toISOString(),
            e.reason !== undefined ? x509.X509CrlReason[e.reason] : 'unspecified',
          ]),
        )}\n`,
      );
    });
}

function printCerts(list: Cert[]): void {
  process.stdout.write(
    `${table(
      ['SERIAL', 'TEMPLATE', 'SUBJECT', 'UNTIL', 'STATUS', 'REASON', 'SLOT'],
      list.map((c) => [c.serial, c.template, c.subject, c.notAfter.slice(0, 10), c.status, c.reason, c.reference?.slot]),
    )}\n`,
  );
}
