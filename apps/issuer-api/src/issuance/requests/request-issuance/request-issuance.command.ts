import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../trust/auth/principal';

export interface IssuanceItem {
  /** The cardholder's id, UPN or e-mail address. */
  cardholder: string;
  /** Card profile id; the batch's profile, else the default profile. */
  profile?: string;
}

/** Issuance for one cardholder or a batch of thousands: all requests are created, or none. */
export class RequestIssuanceCommand extends Command<IssuanceAccepted> {
  constructor(
    readonly items: IssuanceItem[],
    readonly actor: Actor,
    readonly opts: { profile?: string; reference?: string; batch: boolean },
  ) {
    super();
  }
}

export interface BatchLineError {
  /** 0-based index in the list. */
  index: number;
  code:
    | 'cardholder-not-found'
    | 'cardholder-ambiguous'
    | 'cardholder-offboarded'
    | 'cardholder-pending'
    | 'duplicate'
    | 'profile-not-found'
    | 'open-request'
    | 'missing-upn';
  message: string;
  /** For a duplicate: the index of the first occurrence. */
  otherIndex?: number;
}

export interface IssuanceAccepted {
  batchId: string | null;
  size: number;
  /** True when a batch with this reference existed: nothing new was created. */
  existing: boolean;
  requests: Array<{ id: string; cardholderId: string; profileId: string; state: string }>;
}
