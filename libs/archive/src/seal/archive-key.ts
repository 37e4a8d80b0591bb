import type { HsmContext, KeyRef } from '@scm/hsm';
import { ARCHIVE_KEY } from './hsm-archive-signer';

/**
 * The newest version of the archive key in the HSM: what seals new volumes (the API and the CLI
 * alike, so they never disagree after a rotation). Older versions stay for the volumes they signed.
 * A token without any version answers version 1, the key `scm archive init-keys` creates.
 */
export async function currentArchiveKey(hsm: Pick<HsmContext, 'listKeys'>): Promise<KeyRef> {
  const versions = (await hsm.listKeys())
    .filter((k) => k.ref.label === ARCHIVE_KEY.label && k.kind === 'key-pair')
    .map((k) => k.ref.version);
  return versions.length ? { label: ARCHIVE_KEY.label, version: Math.max(...versions) } : ARCHIVE_KEY;
}
