import { ArchiveErrorCode } from '@scm/archive';
import { InMemoryArchiveRepository } from '../in-memory-archive.repository';
import { ShowVolumeHandler } from './show-volume.handler';
import { ShowVolumeQuery } from './show-volume.query';

describe('ShowVolumeHandler', () => {
  const repo = new InMemoryArchiveRepository();
  const entry = (vscId: string, path: string, cardSerial: string | null) => ({
    vscId,
    version: 1,
    path,
    sha256: Buffer.alloc(32, 7),
    size: 900,
    cardSerial,
  });
  repo.addVolume({ volume: 1 }, [entry('v-b', 'VSC/B.VSC', 'SERIAL2'), entry('v-a', 'VSC/A.VSC', null)]);
  repo.addVolume({ volume: 2 }, [entry('v-c', 'VSC/C.VSC', 'SERIAL3')]);
  const handler = new ShowVolumeHandler(repo);

  it('shows the volume and the VSC versions it holds, by path', async () => {
    const v = await handler.execute(new ShowVolumeQuery(1));
    expect(v).toMatchObject({ volume: 1, volumeId: 'SCM_ARCHIVE_000001', entries: 2, previous: null });
    expect(v.entryList).toEqual([
      { vscId: 'v-a', version: 1, path: 'VSC/A.VSC', sha256: '07'.repeat(32), size: 900, cardSerial: null },
      { vscId: 'v-b', version: 1, path: 'VSC/B.VSC', sha256: '07'.repeat(32), size: 900, cardSerial: 'SERIAL2' },
    ]);
  });

  it('is NotFound for a volume never sealed', async () => {
    await expect(handler.execute(new ShowVolumeQuery(9))).rejects.toMatchObject({ code: ArchiveErrorCode.NotFound, meta: { volume: 9 } });
  });
});
