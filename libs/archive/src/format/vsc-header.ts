import {
  MAX_FILE_LENGTH,
  PREAMBLE_LENGTH,
  STRUCTURE_AREAS,
  Tag,
  TlvReader,
  VSC_READABLE_FORMAT_VERSIONS,
  VSC_MAGIC,
  VscFileType,
  decodeHeader,
  type VscHeader,
} from '@scm/vsc';

/**
 * The header of a VSC content file (preamble, then the header field), without parsing the rest.
 *
 * The archive takes VSC content versions whose bytes are pinned by a SHA-256: the escrow hash,
 * recorded when the VSC sealer produced the version after its consistency check (libs/vsc), and
 * then the manifest entry, signed by the archive key. The full structural check (every object's
 * certificate and key parsed by OpenSSL, ~0.3 ms each) is a function of those bytes, so it is done
 * once, where the bytes are made; the archive checks the hashes and reads what it records from
 * the header: which VSC and version the file says it is and the HSM keys that open it. Throws
 * (a VscError) when the preamble or the header does not read.
 */
export function readVscHeader(bytes: Uint8Array): VscHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < PREAMBLE_LENGTH) throw new Error(`the file is ${b.length} bytes, shorter than the preamble`);
  if (!b.subarray(0, 8).equals(VSC_MAGIC)) throw new Error('not a VSC file (magic)');
  if (!VSC_READABLE_FORMAT_VERSIONS.includes(b.readUInt16BE(8))) throw new Error(`format version ${b.readUInt16BE(8)} is not supported`);
  if (b[10] !== VscFileType.Content) throw new Error('not a content file');
  if (b[11] !== STRUCTURE_AREAS) throw new Error(`unknown file structure ${b[11]}`);
  const length = b.readUInt32BE(12);
  if (length !== b.length || length > MAX_FILE_LENGTH) throw new Error(`the file declares ${length} bytes but has ${b.length}`);
  const r = new TlvReader(b.subarray(PREAMBLE_LENGTH), PREAMBLE_LENGTH, 'content');
  return decodeHeader(r.expect(Tag.HEADER, 'header'));
}
