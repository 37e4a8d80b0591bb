import type { HsmContext, HsmKeyInfo, KeyRef } from '@scm/hsm';
import { ArchiveErrorCode } from '../archive-errors';
import type { PgArchiveSource } from '../store/pg-archive-source';
import { currentArchiveKey } from './archive-key';
import { sealArchive, type SealEnvironment } from './seal-archive';

const info = (label: string, version: number, kind: HsmKeyInfo['kind'] = 'key-pair'): HsmKeyInfo => ({
  ref: { label, version },
  kind,
  algorithm: kind === 'key-pair' ? 'P-256' : 'AES-256',
  extractable: false,
  sensitive: true,
});

const hsmWith = (keys: HsmKeyInfo[]) => ({ listKeys: async () => keys });

describe('currentArchiveKey', () => {
  it('is the highest version of the scm-archive key pair', async () => {
    const keys = [info('scm-archive', 1), info('scm-archive', 3), info('scm-archive', 2)];
    await expect(currentArchiveKey(hsmWith(keys))).resolves.toEqual({ label: 'scm-archive', version: 3 });
  });

  it('ignores other keys and secrets that share the label', async () => {
    const keys = [info('scm-archive', 2), info('scm-audit-checkpoint', 9), info('scm-archive', 7, 'secret')];
    await expect(currentArchiveKey(hsmWith(keys))).resolves.toEqual({ label: 'scm-archive', version: 2 });
  });

  it('is version 1 on a token without an archive key (the one init-keys creates)', async () => {
    await expect(currentArchiveKey(hsmWith([info('scm-vsc-kek', 4, 'secret')]))).resolves.toEqual({ label: 'scm-archive', version: 1 });
  });
});

describe('sealArchive key choice', () => {
  /** An environment whose archive key has no certificate yet: sealing asks `certify` for the key it chose, which refuses. */
  const env = (keys: HsmKeyInfo[], key?: KeyRef) => {
    const asked: { opened: KeyRef[]; certified: KeyRef[] } = { opened: [], certified: [] };
    const hsm = {
      ...hsmWith(keys),
      getSigningKey: async (ref: KeyRef) => {
        asked.opened.push(ref);
        return { ref, spki: Buffer.alloc(0) };
      },
    } as unknown as HsmContext;
    const store = { lock: async () => undefined, signerCertificates: async () => undefined } as unknown as PgArchiveSource;
    const e: SealEnvironment = {
      hsm,
      store,
      certify: async (ref) => {
        asked.certified.push(ref);
        throw new Error('no CA in this spec');
      },
      checkpointSigner: {} as SealEnvironment['checkpointSigner'],
      now: () => new Date('2026-12-01T09:00:00Z'),
      audit: () => undefined,
      ...(key ? { key } : {}),
    };
    return { e, asked };
  };

  it('signs with the newest archive key version when the environment names none', async () => {
    const { e, asked } = env([info('scm-archive', 1), info('scm-archive', 2)]);
    await expect(sealArchive(e, '/nowhere')).rejects.toMatchObject({ code: ArchiveErrorCode.SignerNotReady });
    expect(asked.opened).toEqual([{ label: 'scm-archive', version: 2 }]);
    expect(asked.certified).toEqual([{ label: 'scm-archive', version: 2 }]);
  });

  it('signs with the key the environment names', async () => {
    const { e, asked } = env([info('scm-archive', 1), info('scm-archive', 2)], { label: 'scm-archive', version: 1 });
    await expect(sealArchive(e, '/nowhere')).rejects.toMatchObject({ code: ArchiveErrorCode.SignerNotReady });
    expect(asked.certified).toEqual([{ label: 'scm-archive', version: 1 }]);
  });
});
