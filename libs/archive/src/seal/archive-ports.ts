import type { Checkpoint } from '@scm/audit';
import type { ManifestEntry } from '../format/manifest.codec';

/** A sealed VSC version waiting for a volume. */
export interface PendingVersion {
  vscId: string;
  version: number;
  /** Serial of the card the VSC is bound to, if one is by now. */
  cardSerial: string | null;
  /** SHA-256 recorded when the version went into escrow. */
  sha256: Buffer;
}

/** A volume as the system of record keeps it. */
export interface VolumeRecord {
  volume: number;
  volumeId: string;
  createdAt: Date;
  /** Directory the image and sidecar were written to, and their file names. */
  directory: string;
  imageName: string;
  sidecarName: string;
  imageSha256: string;
  imageSize: number;
  manifestSha256: string;
  previous: { volume: number; imageSha256: string } | null;
  audit: { seq: number; headHash: string };
  signer: { keyLabel: string; certificateSha256: string };
  /** How many VSC versions the volume holds. */
  entries: number;
}

/**
 * Where sealing reads the escrow and records volumes: PostgreSQL in the issuer (a thin SQL
 * adapter), memory in unit tests. Every call runs in the caller's transaction.
 */
export interface ArchiveSource {
  /** Serialises sealing (held until the transaction ends). */
  lock(): Promise<void>;
  /** The last volume sealed, or null before the first. */
  lastVolume(): Promise<{ volume: number; imageSha256: string } | null>;
  /**
   * Escrowed VSC versions not yet in any volume, in batches of at most `batch`, in the order of
   * their paths in a volume (VSC id, then version as text): the seal writes the manifest as they
   * come, holding one batch at a time.
   */
  pendingVersions(batch: number): AsyncIterable<PendingVersion[]>;
  /** The content bytes of these versions, in the same order. */
  contents(versions: readonly PendingVersion[]): Promise<Buffer[]>;
  /** Records the new volume and marks each of its versions (given in batches) archived in it. */
  recordVolume(v: VolumeRecord, entries: AsyncIterable<readonly ManifestEntry[]> | Iterable<readonly ManifestEntry[]>): Promise<void>;
}

/** The archive key in the HSM and its certificate chain. */
export interface ArchiveSigner {
  /** `label/version` of the key. */
  readonly keyLabel: string;
  readonly algorithm: 'ECDSA-SHA256' | 'ECDSA-SHA384';
  /** DER certificates: the signer first, then its issuers up to the root. */
  readonly certificates: readonly Buffer[];
  /** Signature over data inside the HSM, DER ECDSA. */
  sign(data: Uint8Array): Promise<Buffer>;
  /** A signature over data given in parts, the one `sign` makes over them joined: the manifest is signed as it is written. */
  startSignature(): PartsSigner;
}

/** Takes the data in parts, then signs it once. */
export interface PartsSigner {
  update(part: Uint8Array): void;
  sign(): Promise<Buffer>;
}

/** Signs an audit checkpoint of the chain head now and returns it. */
export type CheckpointProvider = () => Promise<Checkpoint>;

/** Builds an ISO 9660 image of a directory tree. */
export type IsoWriter = (rootDir: string, outFile: string, volumeId: string) => Promise<void>;
