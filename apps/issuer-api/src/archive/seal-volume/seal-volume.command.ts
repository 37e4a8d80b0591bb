import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../trust/auth/principal';

/** What the API answers: the new volume, or that there was nothing new. */
export type SealVolumeResult =
  | {
      sealed: true;
      volume: number;
      volumeId: string;
      image: string;
      sidecar: string;
      imageSha256: string;
      imageSize: number;
      previous: { volume: number; imageSha256: string } | null;
      auditSeq: number;
      entries: number;
    }
  | { sealed: false; message: string; lastVolume: number | null };

/** An officer seals the next archive volume from every escrowed VSC version not yet archived. */
export class SealVolumeCommand extends Command<SealVolumeResult> {
  constructor(readonly actor: Actor) {
    super();
  }
}
