import { generateKeyPairSync, sign } from 'node:crypto';
import { chainEvents, checkpointMessage, GENESIS_HASH } from './audit-chain';
import { AuditBundleError, BUNDLE_FILES, checkpointToJson, sha256Hex, verifyBundle, type BundleManifest } from './bundle';

/** A bundle as `audit export` writes it: 3 events, one checkpoint at the head. */
function bundle() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  let n = 0;
  const events = chainEvents(
    { seq: 0, hash: GENESIS_HASH },
    [0, 1, 2].map((i) => ({ actor: 'user:a', action: `act.${i}`, outcome: 'success' as const, details: { i } })),
    new Date('2026-11-25T00:00:00Z'),
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  );
  const signedAt = '2026-11-25T00:01:00.000Z';
  const head = events[2];
  const checkpoint = {
    seq: 3,
    headHash: head.hash,
    signedAt,
    keyLabel: 'scm-audit-checkpoint/1',
    algorithm: 'ECDSA-SHA256',
    publicKey: key,
    signature: new Uint8Array(sign('sha256', checkpointMessage(3, head.hash, signedAt), { key: privateKey, dsaEncoding: 'ieee-p1363' })),
  };
  const eventsText = `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
  const checkpoints = JSON.stringify([checkpointToJson(checkpoint)]);
  const manifest: BundleManifest = {
    format: 'scm-audit-bundle-v1',
    exportedAt: signedAt,
    head: { seq: 3, hash: head.hash },
    events: 3,
    checkpoints: 1,
    keyFingerprint: sha256Hex(key),
    files: {
      [BUNDLE_FILES.events]: sha256Hex(eventsText),
      [BUNDLE_FILES.checkpoints]: sha256Hex(checkpoints),
      [BUNDLE_FILES.key]: sha256Hex(key),
    },
  };
  return { manifest: JSON.stringify(manifest), events: eventsText, checkpoints, key };
}

describe('verifyBundle on files from elsewhere', () => {
  const good = bundle();

  it('verifies an untouched bundle', () => {
    expect(verifyBundle(good, good.key)).toMatchObject({ ok: true, events: 3, fileProblems: [] });
  });

  // Each of these was a TypeError, a SyntaxError or a plain Error (fuzz/corpus/audit-bundle).
  it.each([
    ['manifest not JSON', { manifest: '{' }, 'manifest.json is not valid JSON'],
    ['manifest null', { manifest: 'null' }, 'not an SCM audit bundle'],
    [
      'manifest format not a string',
      { manifest: JSON.stringify({ ...JSON.parse(good.manifest), format: ['scm-audit-bundle-v1'] }) },
      'not an SCM audit bundle',
    ],
    ['manifest without files', { manifest: JSON.stringify({ ...JSON.parse(good.manifest), files: undefined }) }, 'lacks the head'],
    ['manifest without head', { manifest: JSON.stringify({ ...JSON.parse(good.manifest), head: 7 }) }, 'lacks the head'],
    ['checkpoints not JSON', { checkpoints: '[{' }, 'checkpoints.json is not valid JSON'],
    ['checkpoints not a list', { checkpoints: '{}' }, 'not a list of checkpoints'],
    ['a null checkpoint', { checkpoints: '[null]' }, 'entry 1 is not a checkpoint'],
    [
      'a checkpoint without its key',
      { checkpoints: JSON.stringify([{ ...JSON.parse(good.checkpoints)[0], publicKey: undefined }]) },
      'entry 1',
    ],
  ])('%s: AuditBundleError', (_what, change, message) => {
    const files = { ...good, ...change };
    expect(() => verifyBundle(files, good.key)).toThrow(AuditBundleError);
    expect(() => verifyBundle(files, good.key)).toThrow(message);
  });

  it('names an event line that is JSON but not an event, and stops there', () => {
    const lines = good.events.split('\n');
    lines[1] = '[1,2]';
    const rep = verifyBundle({ ...good, events: lines.join('\n') }, good.key);
    expect(rep.ok).toBe(false);
    expect(rep.fileProblems).toContain('events.jsonl line 2 is not an audit event');
  });
});
