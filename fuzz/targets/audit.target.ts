import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import {
  AuditBundleError,
  BUNDLE_FILES,
  chainEvents,
  checkpointMessage,
  checkpointToJson,
  sha256Hex,
  verifyBundle,
  type BundleManifest,
  type Checkpoint,
} from '@scm/audit';
import { bytesFrom, jsonMutated } from '../harness/mutate';
import { joinFrames, splitFrames, text, utf8 } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';

interface BundleState {
  seeds: Uint8Array[];
  parts: { manifest: unknown; checkpoints: unknown; events: unknown[]; key: Uint8Array };
}

/** An offline bundle as `audit export` writes it: 20 events, two signed checkpoints. */
function makeBundle(): BundleState['parts'] & { files: Uint8Array[] } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  let n = 0;
  const events = chainEvents(
    { seq: 0, hash: '0'.repeat(64) },
    Array.from({ length: 20 }, (_, i) => ({
      actor: `user-${i % 3}`,
      action: i % 2 ? 'card.issued' : 'cardholder.created',
      targetType: 'card',
      targetId: `t${i}`,
      outcome: 'success' as const,
      details: { i, list: [1, 'a', null], nested: { ok: true } },
    })),
    new Date('2026-01-01T00:00:00Z'),
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  );
  const checkpoint = (seq: number): Checkpoint => {
    const signedAt = `2026-01-01T00:0${seq % 10}:00.000Z`;
    const headHash = events[seq - 1].hash;
    return {
      seq,
      headHash,
      signedAt,
      keyLabel: 'scm-audit-checkpoint/1',
      algorithm: 'ECDSA-SHA256',
      publicKey: key,
      signature: new Uint8Array(sign('sha256', checkpointMessage(seq, headHash, signedAt), { key: privateKey, dsaEncoding: 'ieee-p1363' })),
    };
  };
  const checkpoints = [checkpoint(10), checkpoint(20)].map(checkpointToJson);
  const eventsText = `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
  const checkpointsText = JSON.stringify(checkpoints, null, 2);
  const manifest: BundleManifest = {
    format: 'scm-audit-bundle-v1',
    exportedAt: '2026-01-01T00:10:00.000Z',
    head: { seq: 20, hash: events[19].hash },
    events: 20,
    checkpoints: 2,
    keyFingerprint: sha256Hex(key),
    files: {
      [BUNDLE_FILES.events]: sha256Hex(eventsText),
      [BUNDLE_FILES.checkpoints]: sha256Hex(checkpointsText),
      [BUNDLE_FILES.key]: sha256Hex(key),
    },
  };
  return {
    manifest,
    checkpoints,
    events,
    key,
    files: [utf8(JSON.stringify(manifest, null, 2)), utf8(eventsText), utf8(checkpointsText), key],
  };
}

/**
 * The auditor's offline bundle (`scm audit verify --bundle`): four files from somewhere else. Input:
 * the four files as frames (manifest, events, checkpoints, key). Verdict: a report (ok or with
 * problems) or an AuditBundleError, never a crash.
 */
export const auditBundle = defineTarget<BundleState>({
  name: 'audit-bundle',
  quickRuns: 200,
  about: 'verifyBundle of libs/audit: manifest, events.jsonl, checkpoints, key from an offline bundle',
  setup: async () => {
    const b = makeBundle();
    return { seeds: [joinFrames(b.files)], parts: b };
  },
  inputs: (s) => {
    const files = splitFrames(s.seeds[0]);
    const part = (i: number, a: fc.Arbitrary<Uint8Array>) => a.map((x) => joinFrames(files.map((f, j) => (j === i ? x : f))));
    const events = s.parts.events;
    return fc.oneof(
      { weight: 2, arbitrary: bytesFrom(s.seeds, { random: 200 }) },
      { weight: 2, arbitrary: fc.nat({ max: 3 }).chain((i) => part(i, bytesFrom([files[i]]))) },
      {
        weight: 2,
        arbitrary: part(
          0,
          jsonMutated([s.parts.manifest], (v) => utf8(JSON.stringify(v, null, 2))),
        ),
      },
      {
        weight: 2,
        arbitrary: part(
          2,
          jsonMutated([s.parts.checkpoints], (v) => utf8(JSON.stringify(v, null, 2))),
        ),
      },
      {
        weight: 3,
        arbitrary: part(
          1,
          jsonMutated([events], (v) => utf8(`${(Array.isArray(v) ? v : [v]).map((e) => JSON.stringify(e)).join('\n')}\n`)),
        ),
      },
    );
  },
  run: (s, b) => {
    const [manifest = new Uint8Array(0), events = new Uint8Array(0), checkpoints = new Uint8Array(0), key = new Uint8Array(0)] =
      splitFrames(b);
    const files = { manifest: text(manifest), events: text(events), checkpoints: text(checkpoints), key };
    const rep = verifyBundle(files, s.parts.key);
    const same = Buffer.from(b).equals(Buffer.from(s.seeds[0]));
    if (same) oracle(rep.ok, 'the untouched bundle does not verify');
    oracle(Array.isArray(rep.problems) && Array.isArray(rep.fileProblems), 'a report without its problem lists');
  },
  expected: (e) => e instanceof AuditBundleError,
});
