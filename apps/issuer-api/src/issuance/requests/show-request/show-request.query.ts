import { Query } from '@nestjs/cqrs';

export interface RequestView {
  id: string;
  batchId: string | null;
  cardholder: { id: string; name: string; upn: string | null; email: string | null };
  profileId: string;
  /** The version of the profile the request (and its card) was issued with (null: made before profiles had versions). */
  profileVersion: number | null;
  state: string;
  stateChangedAt: string;
  failure: string | null;
  workerId: string | null;
  cardId: string | null;
  createdBy: string;
  createdAt: string;
  vsc: { id: string; currentVersion: number; escrowed: boolean; sha256: string } | null;
  slots: Array<{ slot: string; algorithm: string; escrow: string; certificate: { serial: string; status: string } | null }>;
  history: Array<{ from: string | null; to: string; at: string; actor: string; details: Record<string, unknown> }>;
}

/** One issuance request with its history, VSC and certificates. */
export class ShowRequestQuery extends Query<RequestView> {
  constructor(readonly requestId: string) {
    super();
  }
}
