import fc from 'fast-check';
import {
  ArchiveError,
  decodeManifest,
  decodeSidecar,
  encodeManifest,
  encodeSidecar,
  DocumentError,
  encodeDocument,
  IsoError,
  listVolume,
  mapImage,
  readIso,
  readVolumeParts,
  recoverVscFromImage,
  verifyVolume,
  type JsonValue,
} from '@scm/archive';
import { bytesFrom, jsonMutated } from '../harness/mutate';
import { text } from '../harness/frames';
import { defineTarget, oracle } from '../harness/target';
import { sealedFixture, type SealedFixture } from './archive-fixture';

const SECTOR = 2048;

/** Where the ISO structure ends: the first sector of file data (everything before is descriptors, path tables, directories). */
function structureEnd(image: Buffer): number {
  const iso = readIso(image);
  const first = Math.min(...iso.files.filter((f) => f.size > 0).map((f) => f.lba));
  return first * SECTOR;
}

/** Mutations aimed at the structure: the head of the image is mutated, the file data kept. */
function imageInputs(f: SealedFixture): fc.Arbitrary<Uint8Array> {
  const end = structureEnd(f.image);
  const head = f.image.subarray(16 * SECTOR, end);
  const rest = f.image.subarray(end);
  const system = f.image.subarray(0, 16 * SECTOR);
  return fc.oneof(
    { weight: 6, arbitrary: bytesFrom([head], { maxEdits: 4, random: 64 }).map((h) => Buffer.concat([system, h, rest])) },
    // Length-preserving edits keep every later offset valid, so deeper checks are reached.
    {
      weight: 3,
      arbitrary: fc
        .array(fc.tuple(fc.nat({ max: end - 16 * SECTOR - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 })
        .map((edits) => {
          const b = Buffer.from(f.image);
          for (const [at, v] of edits) b[16 * SECTOR + at] = v;
          return b;
        }),
    },
    { weight: 1, arbitrary: bytesFrom([f.image], { maxEdits: 3, random: 4096 }) },
  );
}

/** The ISO 9660 reader on damaged images (descriptors, path tables, directory records, Rock Ridge, Joliet). */
export const iso9660 = defineTarget<SealedFixture>({
  name: 'iso9660',
  quickRuns: 200,
  about: 'readIso + mapImage of libs/archive on sealed volume images with a damaged structure',
  setup: sealedFixture,
  inputs: imageInputs,
  run: (_f, b) => {
    const iso = readIso(b);
    for (const f of [...iso.files, ...iso.jolietFiles])
      oracle((f.lba + 0) * SECTOR + f.size <= b.length || f.size === 0, `file ${f.path} outside the image`);
    mapImage(b, iso);
  },
  expected: (e) => e instanceof IsoError,
});

/** Whole-volume verification and recovery from a damaged image: a report or an ArchiveError, never a crash. */
export const archiveVolume = defineTarget<SealedFixture>({
  name: 'archive-volume',
  quickRuns: 60,
  about: 'verifyVolume (with sidecar and trust anchor), listVolume and recoverVscFromImage on damaged images or sidecars',
  budgetMs: 4000,
  setup: sealedFixture,
  // Byte 0 says what the rest is: 0 a damaged image (with the real sidecar), 1 a damaged sidecar (with the real image).
  inputs: (f) =>
    fc.oneof(
      { weight: 3, arbitrary: imageInputs(f).map((img) => Buffer.concat([Buffer.of(0), img])) },
      {
        weight: 1,
        arbitrary: fc
          .oneof(
            jsonMutated([JSON.parse(f.sidecar.toString('utf8'))], (v) => encodeDocument(v as JsonValue, new Set(['regions']))),
            bytesFrom([f.sidecar], { maxEdits: 3 }),
          )
          .map((sc) => Buffer.concat([Buffer.of(1), sc])),
      },
    ),
  run: (f, b) => {
    if (b.length === 0) return;
    const rest = Buffer.from(b.subarray(1));
    const [image, sidecar] = b[0] === 1 ? [f.image, rest] : [rest, f.sidecar];
    const rep = verifyVolume(image, { sidecar, issuerCertificates: [f.root] });
    const same = image.equals(f.image) && sidecar.equals(f.sidecar);
    oracle(rep.ok === same, same ? 'the untouched volume does not verify' : 'a changed image or sidecar verifies');
    readVolumeParts(image);
    try {
      listVolume(image);
      recoverVscFromImage(image, f.vsc, { issuerCertificates: [f.root] });
    } catch (e) {
      if (!(e instanceof ArchiveError)) throw e;
    }
  },
  expected: () => false,
});

interface DocState {
  seeds: Uint8Array[];
  values: unknown[];
}

/** Manifest and sidecar documents (canonical JSON with shape checks), selected by the first byte. */
export const archiveDocuments = defineTarget<DocState>({
  name: 'archive-documents',
  about: 'decodeManifest and decodeSidecar (canonical JSON, shape and cross-field rules)',
  setup: async () => {
    const f = await sealedFixture();
    const parts = readVolumeParts(f.image);
    const manifest = parts.manifestBytes!;
    return {
      seeds: [Uint8Array.of(0, ...manifest), Uint8Array.of(1, ...f.sidecar)],
      values: [JSON.parse(manifest.toString('utf8')), JSON.parse(f.sidecar.toString('utf8'))],
    };
  },
  inputs: (s) =>
    fc.oneof(
      { weight: 3, arbitrary: bytesFrom(s.seeds, { random: 300 }) },
      // Structure-aware: a value changed and written back canonically, so the shape checks are reached.
      {
        weight: 4,
        arbitrary: fc
          .nat({ max: 1 })
          .chain((which) =>
            jsonMutated([s.values[which]], (v) => encodeDocument(v as JsonValue, new Set(['entries', 'regions']))).map((b) =>
              Uint8Array.of(which, ...b),
            ),
          ),
      },
    ),
  run: (_s, b) => {
    if (b.length === 0) throw new DocumentError('empty');
    const body = b.subarray(1);
    // What decodes must be the whole document: written back it is the same bytes (no field left unread).
    const again = b[0] % 2 === 0 ? encodeManifest(decodeManifest(body)) : encodeSidecar(decodeSidecar(body));
    oracle(again.equals(Buffer.from(body)), 'a document decodes to less than it holds (a field accepted but not read)');
    oracle(text(body).endsWith('\n'), 'a document without its final newline was accepted');
  },
  expected: (e) => e instanceof DocumentError,
});
