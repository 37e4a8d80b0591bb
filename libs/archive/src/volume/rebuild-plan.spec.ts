import { parseVscFile } from '@scm/vsc';
import { randomProtector, SAMPLE_UPN, sampleMaterial, sampleVsc } from '../testing/fixtures';
import { cardholderOf, upnOf } from './rebuild-plan';

describe('the cardholder a rebuild finds on a VSC', () => {
  it('reads the UPN of a subject alternative name in the forms node:crypto prints', () => {
    expect(upnOf('othername:UPN:ada@corp.example, URI:urn:uuid:6ef4288c-0000-4000-8000-000000000001')).toBe('ada@corp.example');
    expect(upnOf('URI:urn:uuid:6ef4288c-0000-4000-8000-000000000001, othername:UPN::ada@corp.example')).toBe('ada@corp.example');
    expect(upnOf('othername:1.3.6.1.4.1.311.20.2.3::ada@corp.example')).toBe('ada@corp.example');
    expect(upnOf('email:ada@corp.example, URI:urn:uuid:6ef4288c-0000-4000-8000-000000000001')).toBeNull();
    expect(upnOf(undefined)).toBeNull();
  });

  it('names the cardholder of a VSC by the CN and UPN of its PIV authentication certificate', async () => {
    const v = await sampleVsc(await sampleMaterial(), randomProtector(), 'SERIAL0001');
    expect(cardholderOf(parseVscFile(v.content).content.objects)).toEqual({
      key: `upn:${SAMPLE_UPN}`,
      name: 'Sample Cardholder 9a',
      upn: SAMPLE_UPN,
    });
  });

  it('falls back to the name when the certificate has no UPN, and to no cardholder without a certificate', async () => {
    const m = await sampleMaterial();
    const objects = parseVscFile((await sampleVsc(m, randomProtector(), 'SERIAL0002')).content).content.objects;
    const without9a = objects.filter((o) => !(o.kind === 'certificate' && o.slot === 0x9a));
    expect(cardholderOf(without9a)).toEqual({ key: 'name:Sample Cardholder 9c', name: 'Sample Cardholder 9c', upn: null });
    expect(cardholderOf(objects.filter((o) => o.kind !== 'certificate'))).toBeNull();
  });
});
