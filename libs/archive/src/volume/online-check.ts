import { VirtualSmartCard, type VscKeyProtector } from '@scm/vsc';
import type { ImageInput } from '../iso/image-source';
import { fileBytes, readVolumeParts, type Finding } from './verify-volume';

/**
 * The checks that need the HSM: every VSC file of the volume through the full consistency check
 * of libs/vsc (seal under the KEK, the recovery slot, every area's GCM tag). Nothing is decrypted
 * beyond what the check needs, and nothing of it is kept.
 */
export async function checkVolumeOnline(image: ImageInput, protector: VscKeyProtector): Promise<Finding[]> {
  const parts = readVolumeParts(image);
  if (!parts.manifest) return [{ check: 'online', ok: false, message: 'the manifest does not read: run the offline verification first' }];
  const out: Finding[] = [];
  let ok = 0;
  for (const e of parts.manifest.entries) {
    const f = parts.files.get(e.path);
    if (!f) {
      out.push({
        check: 'vsc tags',
        ok: false,
        message: `${e.path} is missing from the image`,
        where: { kind: 'iso', name: 'the ISO structures' },
      });
      continue;
    }
    try {
      await VirtualSmartCard.check(fileBytes(image, f), { protector });
      ok++;
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('hsm.')) throw err;
      out.push({ check: 'vsc tags', ok: false, message: `${e.path}: ${(err as Error).message}`, where: { kind: 'file', name: e.path } });
    }
  }
  out.unshift({
    check: 'vsc tags',
    ok: ok === parts.manifest.entries.length,
    message: `${ok} of ${parts.manifest.entries.length} VSC files pass the HSM checks (seal, recovery slot, every area's GCM tag)`,
  });
  return out;
}
