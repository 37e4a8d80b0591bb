import { ArchiveError, ArchiveErrorCode, sealArchive, type SealEnvironment } from '@scm/archive';
import type { Actor } from '../../trust/auth/principal';
import type { Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import type { ArchiveEnvironment } from '../archive-environment';
import { SealVolumeCommand } from './seal-volume.command';
import { SealVolumeHandler } from './seal-volume.handler';

jest.mock('@scm/archive', () => ({ ...jest.requireActual('@scm/archive'), sealArchive: jest.fn() }));
const seal = sealArchive as jest.MockedFunction<typeof sealArchive>;

const actor: Actor = { actor: 'user:1', actorName: 'olivia', role: 'security-officer', requestId: 'r1' };

/** A unit of work that records the audit events of each committed run. */
function fakeUow(): { uow: UnitOfWork; committed: Array<Array<Record<string, unknown>>> } {
  const committed: Array<Array<Record<string, unknown>>> = [];
  const uow = {
    run: async <T>(_a: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const events: Array<Record<string, unknown>> = [];
      const tx = { em: {}, now: new Date('2026-01-01T00:00:00Z'), audit: (f: Record<string, unknown>) => events.push(f) } as unknown as Tx;
      const r = await fn(tx); // a throw rolls back: nothing of this run is kept
      committed.push(events);
      return r;
    },
  } as unknown as UnitOfWork;
  return { uow, committed };
}

const env = { directory: '/srv/archive', forTx: () => ({}) as SealEnvironment } as unknown as ArchiveEnvironment;

describe('SealVolumeHandler', () => {
  beforeEach(() => seal.mockReset());

  it('seals into the configured directory and answers the volume', async () => {
    const { uow } = fakeUow();
    seal.mockResolvedValue({
      sealed: true,
      volume: {
        volume: 4,
        volumeId: 'SCM_ARCHIVE_000004',
        imagePath: '/srv/archive/scm-archive-000004.iso',
        sidecarPath: '/srv/archive/scm-archive-000004.iso.sidecar.json',
        imageSha256: 'ab'.repeat(32),
        imageSize: 4096,
        previous: { volume: 3, imageSha256: 'cd'.repeat(32) },
        audit: { seq: 9, headHash: 'ef'.repeat(32) },
        entries: [{}, {}],
      },
    } as never);
    const r = await new SealVolumeHandler(uow, env).execute(new SealVolumeCommand(actor));
    expect(seal).toHaveBeenCalledWith(expect.anything(), '/srv/archive');
    expect(r).toEqual({
      sealed: true,
      volume: 4,
      volumeId: 'SCM_ARCHIVE_000004',
      image: '/srv/archive/scm-archive-000004.iso',
      sidecar: '/srv/archive/scm-archive-000004.iso.sidecar.json',
      imageSha256: 'ab'.repeat(32),
      imageSize: 4096,
      previous: { volume: 3, imageSha256: 'cd'.repeat(32) },
      auditSeq: 9,
      entries: 2,
    });
  });

  it('says when there was nothing to seal', async () => {
    const { uow } = fakeUow();
    seal.mockResolvedValue({ sealed: false, reason: 'nothing-new', lastVolume: 2, message: 'nothing to seal' });
    await expect(new SealVolumeHandler(uow, env).execute(new SealVolumeCommand(actor))).resolves.toEqual({
      sealed: false,
      message: 'nothing to seal',
      lastVolume: 2,
    });
  });

  it('audits a failed seal in a transaction of its own and rethrows', async () => {
    const { uow, committed } = fakeUow();
    seal.mockRejectedValue(new ArchiveError(ArchiveErrorCode.WriterFailed, 'xorriso failed (exit 5)'));
    await expect(new SealVolumeHandler(uow, env).execute(new SealVolumeCommand(actor))).rejects.toMatchObject({
      code: 'archive.writer-failed',
    });
    expect(committed).toEqual([
      [
        expect.objectContaining({
          action: 'archive.volume-sealed',
          outcome: 'failure',
          details: { error: 'archive.writer-failed', message: 'xorriso failed (exit 5)' },
        }),
      ],
    ]);
  });
});
