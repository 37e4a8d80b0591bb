/** Answer shapes of the help desk's routes (the OpenAPI document does not describe them yet). */
export interface CardReportView {
  id: string;
  cardId: string;
  serial: string | null;
  reason: string;
  state: 'open' | 'found' | 'closed';
  cardState: string;
  crlReason: string;
  comment: string | null;
  reportedBy: string;
  reportedAt: string;
  certificates?: string[];
  temporaryCardsRevoked?: string[];
}

export interface ApprovalTicket {
  approvalId: string;
  kind: string;
  subject: Record<string, unknown>;
  subjectHash: string;
  requiredApprovals: number;
  approverRole: string;
  expiresAt: string;
}

export interface TemporaryCardView {
  id: string;
  label: string;
  cardholder: string;
  serial: string | null;
  host: { workerId: string; name: string; workstation: number };
  state: 'issued' | 'active' | 'revoked' | 'expired';
  expiresAt: string;
  approvalId: string;
  createdAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
}

export interface ReissueView {
  id: string;
  oldSerial: string | null;
  reason: string;
  state: string;
  requestId: string;
  requestState: string;
  newSerial: string | null;
  approvalId: string;
  createdAt: string;
}

/** An activation or PIN-unblock session: the PIN is typed at the workstation, never here. */
export interface SessionView {
  id: string;
  purpose: 'activation' | 'unblock';
  serial: string | null;
  workstation: number;
  state: string;
  identityCheck: string;
  startedBy: string;
  expiresAt: string;
  closedAt?: string | null;
  failure?: string | null;
}
