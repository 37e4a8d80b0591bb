/** Where things are in a volume and beside it (docs/operations.md, "Archive media"). */
export const MANIFEST_PATH = 'MANIFEST.JSON';
export const SIGNATURE_PATH = 'MANIFEST.SIG';
export const CERTIFICATES_PATH = 'CERTS.PEM';
export const VSC_DIR = 'vsc';

/**
 * Manifest formats, and the volume layout each one names. `/1` kept every VSC file in `vsc/`; `/2`
 * spreads them over `vsc/<first two characters of the VSC id>/`: xorriso's time grows faster than
 * the file count with the entries of one directory (30,000 files: 12–16 s in one directory, 2.2 s
 * in 256). Volumes already written keep their format; readers take both.
 */
export const MANIFEST_FORMATS = ['scm-archive-manifest/1', 'scm-archive-manifest/2'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];
/** The format new volumes are sealed in. */
export const MANIFEST_FORMAT: ManifestFormat = 'scm-archive-manifest/2';

/** The path of a VSC content version in the image of a volume of `format` (default: new volumes). */
export const vscPath = (vscId: string, version: number, format: ManifestFormat = MANIFEST_FORMAT): string =>
  format === 'scm-archive-manifest/1' ? `${VSC_DIR}/${vscId}-v${version}.vsc` : `${VSC_DIR}/${vscId.slice(0, 2)}/${vscId}-v${version}.vsc`;

const pad = (n: number): string => String(n).padStart(6, '0');

/** ISO 9660 volume identifier (d-characters, at most 32). */
export const volumeIdOf = (volume: number): string => `SCM_ARCHIVE_${pad(volume)}`;
export const imageNameOf = (volume: number): string => `scm-archive-${pad(volume)}.iso`;
/** The signed sidecar written beside an image. */
export const sidecarNameOf = (imageName: string): string => `${imageName}.sidecar.json`;

export const SECTOR = 2048;
