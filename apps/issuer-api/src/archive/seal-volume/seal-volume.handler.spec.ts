import { ArchiveError, ArchiveErrorCode, sealArchive, type SealEnvironment } from '@scm/archive';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import type { ArchiveEnvironment } from '../archive-environment';
import { SealVolumeCommand } from './seal-volume.command';
import { SealVolumeHandler } from './seal-volume.handler';

jest.mock('@scm/archive', () => ({ ...jest.requireActual('@scm/archive'), sealArchive: jest.fn() }));
const seal = sealArchive as jest.MockedFunction<typeof sealArchive>;

const actor = testActor();
const sealing = { marker: 'the environment of this unit of work' } as unknown as SealEnvironment;
const env = { directory: '/srv/archive', forTx: () => sealing } as unknown as ArchiveEnvironment;
/** The audit sequencer: records when a pass was asked for, against when the seal ran. */
const order: string[] = [];
const chained = { settle: async () => (order.push('settle'), 0) };

describe('SealVolumeHandler', () => {
  beforeEach(() => {
    seal.mockReset();
    order.length = 0;
  });

  it('chains the events committed before it first: the checkpoint of the volume covers them', async () => {
    seal.mockImplementation(async () => {
      order.push('seal');
      return { sealed: false, reason: 'nothing-new', lastVolume: 2, message: 'nothing to seal' };
    });
    await new SealVolumeHandler(new TestUnitOfWork(), env, chained).execute(new SealVolumeCommand(actor));
    expect(order).toEqual(['settle', 'seal']);
  });

  it('seals into the configured directory and answers the volume', async () => {
    const uow = new TestUnitOfWork();
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
        entries: 2,
        movedAside: [],
      },
    } as never);
    const r = await new SealVolumeHandler(uow, env, chained).execute(new SealVolumeCommand(actor));
    expect(seal).toHaveBeenCalledWith(sealing, '/srv/archive');
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
      auditHeadHash: 'ef'.repeat(32),
      entries: 2,
      movedAside: [],
    });
    expect(uow.committed).toHaveLength(1);
  });

  it('seals into the directory the operator names on the host', async () => {
    seal.mockResolvedValue({ sealed: false, reason: 'nothing-new', lastVolume: 2, message: 'nothing to seal' });
    await new SealVolumeHandler(new TestUnitOfWork(), env, chained).execute(new SealVolumeCommand(actor, '/media/worm'));
    expect(seal).toHaveBeenCalledWith(sealing, '/media/worm');
  });

  it('says when there was nothing to seal', async () => {
    const uow = new TestUnitOfWork();
    seal.mockResolvedValue({ sealed: false, reason: 'nothing-new', lastVolume: 2, message: 'nothing to seal' });
    await expect(new SealVolumeHandler(uow, env, chained).execute(new SealVolumeCommand(actor))).resolves.toEqual({
      sealed: false,
      message: 'nothing to seal',
      lastVolume: 2,
    });
  });

  it('audits a failed seal in a transaction of its own and rethrows', async () => {
    const uow = new TestUnitOfWork();
    seal.mockRejectedValue(new ArchiveError(ArchiveErrorCode.WriterFailed, 'xorriso failed (exit 5)'));
    await expect(new SealVolumeHandler(uow, env, chained).execute(new SealVolumeCommand(actor))).rejects.toMatchObject({
      code: 'archive.writer-failed',
    });
    // The sealing transaction rolled back (nothing of it committed); the failure's audit did commit.
    expect(uow.committed).toEqual([
      {
        events: [
          expect.objectContaining({
            action: 'archive.volume-sealed',
            targetType: 'archive-volume',
            targetId: null,
            outcome: 'failure',
            actor: actor.actor,
            details: { error: 'archive.writer-failed', message: 'xorriso failed (exit 5)' },
          }),
        ],
        jobs: [],
      },
    ]);
  });

  it('names an uncoded failure "internal"', async () => {
    const uow = new TestUnitOfWork();
    seal.mockRejectedValue(new Error('disk full'));
    await expect(new SealVolumeHandler(uow, env, chained).execute(new SealVolumeCommand(actor))).rejects.toThrow('disk full');
    expect(uow.events[0].details).toEqual({ error: 'internal', message: 'disk full' });
  });
});
