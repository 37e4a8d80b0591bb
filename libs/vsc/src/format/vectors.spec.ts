import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualSmartCard } from '../control/virtual-smart-card';
import { buildVector1, VECTOR_1 } from '../testing/test-vector';
import { testDeps } from '../testing/fixtures';
import { parseVscFile } from './file.codec';

/** The hex of test vector 1 as docs/vsc-format.md prints it. */
function documentedVector(): Buffer {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'vsc-format.md'), 'utf8');
  const m = /<!-- test-vector-1:begin -->\s*```hex\n([\s\S]*?)```\s*<!-- test-vector-1:end -->/.exec(doc);
  if (!m) throw new Error('docs/vsc-format.md has no test vector 1 block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'hex');
}

describe('test vector 1 of docs/vsc-format.md', () => {
  it('is what the code builds from the documented inputs, byte for byte', async () => {
    const { file } = await buildVector1();
    expect(file.toString('hex')).toBe(documentedVector().toString('hex'));
  });

  it('parses, checks and opens with the documented PIN and keys', async () => {
    const bytes = documentedVector();
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
  });

  it('is reproducible: the same inputs give the same bytes', async () => {
    const a = await buildVector1();
    const b = await buildVector1();
    expect(a.file.equals(b.file)).toBe(true);
  });
});
