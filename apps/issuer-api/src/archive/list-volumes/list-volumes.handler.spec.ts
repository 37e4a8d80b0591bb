import { InMemoryArchiveRepository } from '../in-memory-archive.repository';
import { ListVolumesHandler } from './list-volumes.handler';
import { ListVolumesQuery } from './list-volumes.query';

describe('ListVolumesHandler', () => {
  it('lists volumes newest first, hashes in hex and numbers as numbers, chained to the previous one', async () => {
    const repo = new InMemoryArchiveRepository();
    for (const volume of [1, 2, 3]) repo.addVolume({ volume, imageSize: String(4096 * volume) });
    const { volumes } = await new ListVolumesHandler(repo).execute(new ListVolumesQuery());
    expect(volumes.map((v) => v.volume)).toEqual([3, 2, 1]);
    expect(volumes[0]).toEqual({
      volume: 3,
      volumeId: 'SCM_ARCHIVE_000003',
      imageName: 'scm-archive-000003.iso',
      sidecarName: 'scm-archive-000003.iso.sidecar.json',
      directory: '/srv/archive',
      imageSha256: '03'.repeat(32),
      imageSize: 12288,
      manifestSha256: 'ee'.repeat(32),
      previous: { volume: 2, imageSha256: '02'.repeat(32) },
      audit: { seq: 30, headHash: 'aa'.repeat(32) },
      signer: { keyLabel: 'scm-archive/1', certificateSha256: '5c'.repeat(32) },
      entries: 0,
      createdAt: '2026-11-03T00:00:00.000Z',
    });
    expect(volumes[2].previous).toBeNull();
  });

  it('answers at most `limit` volumes', async () => {
    const repo = new InMemoryArchiveRepository();
    for (const volume of [1, 2, 3]) repo.addVolume({ volume });
    const { volumes } = await new ListVolumesHandler(repo).execute(new ListVolumesQuery(2));
    expect(volumes.map((v) => v.volume)).toEqual([3, 2]);
  });
});
