import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { appDb, call, runCli, startApi, type RunningApi } from '@scm/test-kit';
import { CrlPublisher } from '../../apps/issuer-api/src';
import { caChain, cardholders, crlText, officer, openEvents, openssl, people, Scratch, waitFor, type Officer } from './support';

const PUBLIC = 'http://pki.scm.test:7400';

type Cert = { serial: string; status: string; reason: string | null; pem: string; reference: Record<string, string> };

/**
 * CRLs as relying parties see them: fetched without credentials from the URL in every
 * certificate, signed by the issuing CA, listing each revoked serial with its reason, republished
 * at every revocation (the publish-crl job) and dropping a released hold.
 */
describe('revocation and the published CRL', () => {
  let api: RunningApi;
  let off: Officer;
  let helpdesk: Officer;
  const scratch = new Scratch();
  const certs: Cert[] = [];
  const requests: string[] = [];
  let rootPem: string;
  let issuingPem: string;

  const crl = async () => {
    const res = await fetch(`${api.url}/crl/scm-issuing.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    return Buffer.from(await res.arrayBuffer());
  };
  const crlNumber = (der: Buffer) => Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(crlText(der))![1]);
  const listed = (der: Buffer) => new Set(new x509.X509Crl(der).entries.map((e) => e.serialNumber.toLowerCase()));

  beforeAll(async () => {
    // Warnings shown: a publish-crl job that fails says why in the test's output.
    api = await startApi({ SCM_PUBLIC_URL: PUBLIC, SCM_LOG_LEVEL: 'warn' });
    off = await officer(api);
    helpdesk = await officer(api, ['help-desk']);
    const ids = await cardholders(api, off.token, people(6));
    for (const cardholder of ids) {
      const r = await call<{ id: string }>(api.url, 'POST', '/api/v1/issuance-requests', off.token, { cardholder });
      requests.push(r.body.id);
    }
    for (const id of requests) {
      await waitFor(`request ${id}`, async () =>
        (await call<{ state: string }>(api.url, 'GET', `/api/v1/issuance-requests/${id}`, off.token)).body.state === 'awaiting-card'
          ? true
          : undefined,
      );
      const c = await call<Cert[]>(api.url, 'GET', `/api/v1/certificates?requestId=${id}`, off.token);
      expect(c.body.map((x) => x.reference.slot)).toEqual(['9d']);
      certs.push(c.body[0]);
    }
    const chain = await caChain(api);
    rootPem = scratch.file('root.pem', chain.root);
    issuingPem = scratch.file('issuing.pem', chain.issuing);
    scratch.file('chain.pem', `${chain.issuing}\n${chain.root}\n`);
  });
  afterAll(async () => {
    await api.close();
    off.cleanup();
    helpdesk.cleanup();
    scratch.remove();
  });

  it('serves the CA certificates and a signed CRL at the URLs the certificates name, without credentials', async () => {
    const t = new x509.X509Certificate(certs[0].pem);
    const cdp = t.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0].distributionPoint!.fullName![0]
      .uniformResourceIdentifier;
    expect(cdp).toBe(`${PUBLIC}/crl/scm-issuing.crl`);
    const der = await crl();
    scratch.file('first.crl', der);
    const v = openssl(['crl', '-inform', 'DER', '-in', scratch.path('first.crl'), '-CAfile', scratch.path('chain.pem'), '-noout']);
    expect(v.out).toMatch(/verify OK/);
    const ca = await fetch(`${api.url}/ca/scm-issuing.crt`);
    expect(ca.headers.get('content-type')).toBe('application/pkix-cert');
    expect(new x509.X509Certificate(Buffer.from(await ca.arrayBuffer())).subject).toContain('Issuing CA');
    expect((await fetch(`${api.url}/crl/nobody.crl`)).status).toBe(404);
  });

  it('lists revoked and held serials with their reasons after each change (openssl crl -text)', async () => {
    const before = crlNumber(await crl());
    const cli = await runCli(['ca', 'revoke', certs[0].serial, '--reason', 'keyCompromise', '--comment', 'card stolen'], {
      env: off.cliEnv,
    });
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toMatch(new RegExp(`${certs[0].serial}.*revoked\\s+keyCompromise`));
    const held = await call<Cert>(api.url, 'POST', `/api/v1/certificates/${certs[1].serial}/hold`, helpdesk.token, {
      comment: 'left at home',
    });
    expect([held.status, held.body.status, held.body.reason]).toEqual([200, 'on-hold', 'certificateHold']);
    const r2 = await call<Cert>(api.url, 'POST', `/api/v1/certificates/${certs[2].serial}/revoke`, off.token, {
      reason: 'cessationOfOperation',
    });
    const r3 = await call<Cert>(api.url, 'POST', `/api/v1/certificates/${certs[3].serial}/revoke`, helpdesk.token, {
      reason: 'superseded',
    });
    expect([r2.status, r2.body.status, r3.status, r3.body.status]).toEqual([200, 'revoked', 200, 'revoked']);

    let last: Buffer | undefined;
    const der = await waitFor('a CRL listing all four', async () => {
      const d = (last = await crl());
      return [0, 1, 2, 3].every((i) => listed(d).has(certs[i].serial)) ? d : undefined;
    }).catch(async (e: unknown) => {
      // Which serials the newest CRL lists, against the four changed, and its number.
      const got = last ? [...listed(last)] : [];
      throw new Error(
        `${(e as Error).message}: CRL ${last ? crlNumber(last) : '-'} (before ${before}) lists ${JSON.stringify(got)}; changed ${JSON.stringify(certs.slice(0, 4).map((c) => c.serial))}`,
      );
    });
    expect(crlNumber(der)).toBeGreaterThan(before);
    const text = crlText(der);
    const entry = (serial: string) => {
      const m = new RegExp(
        `Serial Number: ${serial.toUpperCase()}\\s*\\n\\s*Revocation Date: [^\\n]+\\n\\s*CRL entry extensions:\\s*\\n\\s*X509v3 CRL Reason Code:\\s*\\n\\s*([^\\n]+)`,
      ).exec(text);
      return m?.[1].trim();
    };
    expect(entry(certs[0].serial)).toBe('Key Compromise');
    expect(entry(certs[1].serial)).toBe('Certificate Hold');
    expect(entry(certs[2].serial)).toBe('Cessation Of Operation');
    expect(entry(certs[3].serial)).toBe('Superseded');
    expect(listed(der).has(certs[4].serial)).toBe(false);

    // openssl refuses the revoked certificate and accepts a valid one against this CRL.
    scratch.file('now.crl.pem', x509.PemConverter.encode(der, 'X509 CRL'));
    const check = (c: Cert) =>
      openssl([
        'verify',
        '-crl_check',
        '-CAfile',
        rootPem,
        '-untrusted',
        issuingPem,
        '-CRLfile',
        scratch.path('now.crl.pem'),
        scratch.file(`${c.serial}.pem`, c.pem),
      ]);
    expect(check(certs[0]).out).toMatch(/certificate revoked/);
    expect(check(certs[1]).out).toMatch(/certificate revoked/);
    expect(check(certs[4]).status).toBe(0);

    const anon = await runCli(['ca', 'crl'], { env: { SCM_API_URL: api.url } });
    expect(anon.stdout).toMatch(new RegExp(`${certs[0].serial}\\s+\\S+\\s+keyCompromise`));
    expect(anon.stdout).toMatch(new RegExp(`${certs[1].serial}\\s+\\S+\\s+certificateHold`));
  });

  it('drops a released hold from the next CRL; a revocation stays final', async () => {
    const rel = await runCli(['ca', 'release', certs[1].serial], { env: helpdesk.cliEnv });
    expect([rel.code, rel.stderr]).toEqual([0, '']);
    const der = await waitFor('a CRL without the released hold', async () => {
      const d = await crl();
      return listed(d).has(certs[1].serial) ? undefined : d;
    });
    expect(listed(der).has(certs[0].serial)).toBe(true);
    const again = await call<{ code: string }>(api.url, 'POST', `/api/v1/certificates/${certs[0].serial}/release`, off.token, {});
    expect([again.status, again.body.code]).toEqual([409, 'ca.invalid-state']);
    const hold = await call<{ code: string }>(api.url, 'POST', `/api/v1/certificates/${certs[2].serial}/hold`, off.token, {});
    expect([hold.status, hold.body.code]).toEqual([409, 'ca.invalid-state']);
    const unknown = await call<{ code: string }>(api.url, 'POST', `/api/v1/certificates/0123456789abcdef/revoke`, off.token, {
      reason: 'superseded',
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ca.not-found']);
    const db = await appDb();
    try {
      const audit = await db.query(
        `SELECT action, outcome FROM audit_event WHERE target_type = 'certificate' AND target_id = ANY($1::text[]) ORDER BY entry`,
        [[certs[0].serial, certs[1].serial, certs[2].serial]],
      );
      expect(audit.rows).toEqual(
        expect.arrayContaining([
          { action: 'certificate.revoked', outcome: 'success' },
          { action: 'certificate.held', outcome: 'success' },
          { action: 'certificate.released', outcome: 'success' },
          { action: 'certificate.release', outcome: 'denied' },
          { action: 'certificate.hold', outcome: 'denied' },
        ]),
      );
      const published = await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'crl.published'`);
      expect(published.rows[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      await db.end();
    }
  });

  it('revokes the certificates of a cancelled request (cessationOfOperation) and publishes them', async () => {
    const id = requests[5];
    const r = await runCli(['request', 'cancel', id, '--reason', 'left the company before the card was made'], { env: off.cliEnv });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`${id}: cancelled; revoked ${certs[5].serial}`);
    const der = await waitFor('the cancelled request on the CRL', async () => {
      const d = await crl();
      return listed(d).has(certs[5].serial) ? d : undefined;
    });
    expect(crlText(der)).toMatch(new RegExp(`${certs[5].serial.toUpperCase()}[\\s\\S]*?Cessation Of Operation`));
    // A request's event stream starts with its state and ends at a final one.
    const stream = await openEvents(`${api.url}/api/v1/issuance-requests/${id}/events`, off.token);
    await stream.ended;
    expect(stream.events).toEqual([{ event: 'snapshot', data: expect.objectContaining({ requestId: id, state: 'cancelled' }) }]);
    const watch = await runCli(['request', 'watch', id], { env: off.cliEnv });
    expect([watch.code, watch.stdout.trim()]).toEqual([0, expect.stringMatching(new RegExp(`${id}\\s+cancelled$`))]);
  });

  it('signs a CRL again on the schedule once the latest is older than SCM_CRL_REPUBLISH_MINUTES', async () => {
    const schedule = api.app.get(CrlPublisher);
    expect(await schedule.scheduleDue()).toEqual([]);
    const before = crlNumber(await crl());
    const db = await appDb();
    try {
      // Age the latest CRL by two hours (the test API republishes after 60 minutes).
      await db.query(`UPDATE ca_crl SET this_update = this_update - interval '2 hours' WHERE ca_id = 'scm-issuing' AND crl_number = $1`, [
        before,
      ]);
    } finally {
      await db.end();
    }
    expect(await schedule.scheduleDue()).toEqual(['scm-issuing']);
    const der = await waitFor('the scheduled CRL', async () => {
      const d = await crl();
      return crlNumber(d) > before ? d : undefined;
    });
    expect(listed(der).has(certs[0].serial)).toBe(true);
    // The scheduled job's id names the CRL it replaces: every API replica asking queues the same job.
    const jobs = await appDb();
    try {
      const r = await jobs.query(`SELECT count(*)::int AS n FROM outbox WHERE job_id = $1`, [
        `publish-crl|caId=scm-issuing&cause=schedule-${before}`,
      ]);
      expect(r.rows[0].n).toBe(1);
    } finally {
      await jobs.end();
    }
  });
});
