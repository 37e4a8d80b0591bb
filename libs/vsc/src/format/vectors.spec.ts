import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { buildVector1, VECTOR_1 } from '../testing/test-vector';
import { testDeps } from '../testing/fixtures';
import { parseVscFile } from './file.codec';

/** The hex of test vector `n` as docs/vsc-format.md prints it. */
function documentedVector(n: 1 | 2 = 1): Buffer {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'vsc-format.md'), 'utf8');
  const m = new RegExp(`<!-- test-vector-${n}:begin -->\\s*\`\`\`hex\\n([\\s\\S]*?)\`\`\`\\s*<!-- test-vector-${n}:end -->`).exec(doc);
  if (!m) throw new Error(`docs/vsc-format.md has no test vector ${n} block`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'hex');
}

describe('test vectors of docs/vsc-format.md', () => {
  it('vector 2 is what the code builds from the documented inputs, byte for byte (format version 2)', async () => {
    const { file } = await buildVector1();
    expect(file.toString('hex')).toBe(documentedVector(2).toString('hex'));
    expect(file.readUInt16BE(8)).toBe(2);
  });

  it('vector 1 (format version 1, with the old fast PIN verifier) still parses, checks and opens', async () => {
    const bytes = documentedVector(1);
    expect(bytes.readUInt16BE(8)).toBe(1);
    expect(parseVscFile(bytes).content.formatVersion).toBe(1);
    const parsed = parseVscFile(bytes);
    expect(parsed.content.header).toMatchObject({ id: '69015aae-fcf1-49b2-bc55-e29b1084afb0', label: 'VSC 00001079', kind: 'standalone' });
    expect(parsed.content.hash.toString('hex')).toBe('a378d0c176939abd579396aa1500695452bc416631bb4dd3cc721cbf341bbd72');
    expect(parsed.state?.state).toMatchObject({ status: 'active', expiresAt: VECTOR_1.expiresAt, binding: { serial: '00001079' } });
    await VirtualSmartCard.check(bytes, testDeps());
    const vsc = await VirtualSmartCard.load(bytes, testDeps());
    await vsc.verifyPin(VECTOR_1.pin);
    const acct = vsc.getObject(VECTOR_1.privateObject.name);
    expect(acct?.kind === 'data' && Buffer.from(acct.value).toString()).toBe(VECTOR_1.privateObject.value);
    expect(vsc.hasPrivateKey(VECTOR_1.slot)).toBe(true);
    // Opened again while open: the old verifier is ignored, the full path checks the PIN.
    await expect(vsc.verifyPin('000000')).rejects.toMatchObject({ code: 'vsc.auth.wrong-pin' });
    await vsc.verifyPin(VECTOR_1.pin);
    // A change seals a version-2 version without the verifier, readable with the same PIN.
    vsc.putData({ name: 'note', area: 'public', value: Buffer.from('x') });
    const next = await vsc.seal();
    expect(next.readUInt16BE(8)).toBe(2);
    const again = await VirtualSmartCard.load(next, testDeps());
    await again.enable();
    await again.verifyPin(VECTOR_1.pin);
  });

  it('is reproducible: the same inputs give the same bytes', async () => {
    const a = await buildVector1();
    const b = await buildVector1();
    expect(a.file.equals(b.file)).toBe(true);
  });
});
