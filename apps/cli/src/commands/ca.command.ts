import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import type { Command } from 'commander';
import { api, apiUrl } from '../api-client';
import { CliError, printJson, table } from '../output';
import { serverOperation } from '../server-operation';

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
 * Creates (or reopens) the CA hierarchy on this host's HSM and database through the issuer API's
 * set-up use case: root, issuing CA, PIV content signer and a first CRL of each CA. Idempotent;
 * for development and single-host set-ups (docs/card-profile.md 3.3 keeps the root offline instead).
 */
async function caInit(quiet: boolean): Promise<void> {
  const cas = await serverOperation<Array<{ id: string; created: boolean; subject: string; notAfter: string }>>('init-ca', {});
  for (const c of cas) {
    if (quiet && !c.created) continue;
    process.stdout.write(`${c.id}: ${c.created ? 'created' : 'present'} (${c.subject}, until ${c.notAfter.slice(0, 10)})\n`);
  }
}

export function registerCa(program: Command): void {
  const ca = program.command('ca').description('The issuing CA: certificates, revocation, CRLs');
  ca.command('init')
    .description('Create the root, the issuing CA and the PIV content signer if missing (server-side, idempotent; never replaces a key)')
    .option('-q, --quiet', 'print only what was created')
    .action((o: { quiet?: boolean }) => caInit(!!o.quiet));
  ca.command('show')
    .description("The CAs in the store: certificates, keys, latest CRL (server-side, through the issuer API's use case)")
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const out = await serverOperation<
        Array<{
          id: string;
          role: string;
          subject: string;
          notAfter: string;
          key: string;
          parent: string | null;
          crl: { number: number; nextUpdate: string } | null;
        }>
      >('list-cas', {});
      if (o.json) return printJson(out);
      process.stdout.write(
        `${table(
          ['ID', 'ROLE', 'SUBJECT', 'UNTIL', 'HSM KEY', 'CRL', 'NEXT UPDATE'],
          out.map((x) => [x.id, x.role, x.subject, x.notAfter.slice(0, 10), x.key, x.crl?.number, x.crl?.nextUpdate]),
        )}\n`,
      );
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
