/** One issuance request with its history, VSC and certificates. */
export class ShowRequestQuery {
  constructor(readonly requestId: string) {}
}

/** Requests of a batch (or all, filtered by state), newest first. */
export class ListRequestsQuery {
  constructor(readonly filter: { batchId?: string; state?: string; cardholderId?: string; limit?: number }) {}
}

/** A batch: its size and how many of its requests are in each state. */
export class ShowBatchQuery {
  constructor(readonly batchId: string) {}
}

export interface RequestView {
  id: string;
  batchId: string | null;
  cardholder: { id: string; name: string; upn: string | null; email: string | null };
  profileId: string;
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

export interface RequestSummary {
  id: string;
  batchId: string | null;
  cardholderId: string;
  cardholderName: string;
  profileId: string;
  state: string;
  stateChangedAt: string;
  failure: string | null;
}

export interface BatchView {
  id: string;
  reference: string | null;
  size: number;
  createdBy: string;
  createdAt: string;
  states: Record<string, number>;
}
