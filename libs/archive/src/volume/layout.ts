/** Where things are in a volume and beside it (docs/operations.md, "Archive media"). */
export const MANIFEST_PATH = 'MANIFEST.JSON';
export const SIGNATURE_PATH = 'MANIFEST.SIG';
export const CERTIFICATES_PATH = 'CERTS.PEM';
export const VSC_DIR = 'vsc';

/** The path of a VSC content version in the image. */
export const vscPath = (vscId: string, version: number): string => `${VSC_DIR}/${vscId}-v${version}.vsc`;

const pad = (n: number): string => String(n).padStart(6, '0');

/** ISO 9660 volume identifier (d-characters, at most 32). */
export const volumeIdOf = (volume: number): string => `SCM_ARCHIVE_${pad(volume)}`;
export const imageNameOf = (volume: number): string => `scm-archive-${pad(volume)}.iso`;
/** The signed sidecar written beside an image. */
export const sidecarNameOf = (imageName: string): string => `${imageName}.sidecar.json`;

export const SECTOR = 2048;
