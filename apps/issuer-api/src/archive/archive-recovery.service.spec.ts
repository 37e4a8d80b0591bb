import { createHash } from 'node:crypto';
import { ArchiveErrorCode } from '@scm/archive';
import { InMemoryVscRepository } from '../issuance/vsc-escrow/in-memory-vsc.repository';
import { ArchiveRecoveryService } from './archive-recovery.service';
import { InMemoryArchiveRepository } from './in-memory-archive.repository';

describe('ArchiveRecoveryService', () => {
  const tx = { em: undefined as never, now: new Date('2026-12-01T09:00:00Z') };
  const content = Buffer.from('sealed VSC bytes');
  const setup = async (stored: Buffer = content) => {
    const vscs = new InMemoryVscRepository();
    await vscs.insertVersion(tx, {
      vscId: 'v1',
      version: 1,
      content: stored,
      sha256: createHash('sha256').update(content).digest(),
      size: stored.length,
      kekLabel: 'scm-vsc-kek/1',
      recoveryLabel: 'scm-recovery/1',
      reason: 'issued',
      createdAt: tx.now,
      escrowedAt: tx.now,
    });
    const archives = new InMemoryArchiveRepository();
    return { archives, svc: new ArchiveRecoveryService(archives, vscs) };
  };

  it('reads a version from the escrow when its bytes match the recorded SHA-256', async () => {
    const { svc } = await setup();
    await expect(svc.readVsc({ vscId: 'v1', version: 1 })).resolves.toEqual({
      vscId: 'v1',
      version: 1,
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
      source: 'escrow',
    });
  });

  it('refuses an escrow copy that no longer matches its hash, and says so when asked for the escrow only', async () => {
    const { svc } = await setup(Buffer.from('tampered bytes!!'));
    await expect(svc.readVsc({ vscId: 'v1', version: 1 }, 'escrow')).rejects.toMatchObject({ code: ArchiveErrorCode.EscrowMismatch });
  });

  it('falls back to the archive, which must hold the version', async () => {
    const { svc } = await setup(Buffer.from('tampered bytes!!'));
    await expect(svc.readVsc({ vscId: 'v1', version: 1 })).rejects.toMatchObject({
      code: ArchiveErrorCode.NotFound,
      message: 'VSC v1 v1 is in no archive volume',
    });
  });

  it('reports a volume whose image is not where it was sealed', async () => {
    const { archives, svc } = await setup();
    archives.addVolume({ volume: 3, directory: '/nonexistent/archive' }, [
      { vscId: 'v1', version: 1, path: 'VSC/V1.VSC', sha256: Buffer.alloc(32), size: 16, cardSerial: null },
    ]);
    await expect(svc.readVsc({ vscId: 'v1', version: 1 }, 'archive')).rejects.toMatchObject({
      code: ArchiveErrorCode.NotFound,
      meta: { vscId: 'v1', version: 1, volume: 3 },
    });
  });
});
