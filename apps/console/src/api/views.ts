/**
 * Answer shapes of the API that its OpenAPI document does not describe yet (its routes return
 * TypeScript interfaces, which Swagger cannot see). Request bodies, query parameters and paths
 * are typed from schema.d.ts; when a route gains an @ApiOkResponse type, its view here goes.
 */
export interface WorkerView {
  id: string;
  name: string;
  host: string;
  workstation: number;
  fingerprint: string;
  status: 'pending' | 'approved' | 'suspended' | 'revoked';
  suspendedReason?: string;
  registeredAt: string;
  decidedAt: string | null;
  lastSeenAt: string | null;
  online?: boolean;
}

export interface ReaderReport {
  name: string;
  cardPresent: boolean;
  atr: string | null;
}

export interface WorkstationView {
  id: number;
  host: string;
  readers: ReaderReport[];
  lastSeen: string;
}

export interface PendingApproval {
  id: string;
  kind: string;
  subjectHash: string;
}

export interface CardholderView {
  id: string;
  name: string;
  email: string | null;
  upn: string | null;
  orgIds: string[];
  status: 'pending' | 'active' | 'offboarded';
  sponsored: boolean;
  createdAt: string;
  approval?: PendingApproval;
}

export interface ImportResult {
  created: number;
  ids: string[];
  approval?: PendingApproval;
}

export interface ApprovalView {
  id: string;
  kind: string;
  subject: Record<string, unknown>;
  subjectHash: string;
  approverRole: string;
  requiredApprovals: number;
  approvals: number;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: string;
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

export interface IssuanceAccepted {
  batchId: string | null;
  size: number;
  existing: boolean;
  requests: Array<{ id: string; cardholderId: string; profileId: string; state: string }>;
}

export interface CardProgress {
  requestId: string;
  cardholder: string;
  state: string;
  failure: string | null;
  serial: string | null;
  attempt: number | null;
  stepsDone: number;
  stepsTotal: number | null;
  lastStep: string | null;
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

export interface StepLogEntry {
  attempt: number;
  step: string;
  outcome: string;
  details: Record<string, unknown>;
  at: string;
  serial: string | null;
  workerId: string | null;
}

export interface CardSummary {
  id: string;
  serial: string | null;
  state: string;
  stateChangedAt: string;
  cardholderId: string | null;
  cardholderName: string | null;
  requestId: string | null;
  vscId: string | null;
}

export interface CardEscrowVersion {
  vscId: string;
  version: number;
  sha256: string;
  reason: string;
  createdAt: string;
  escrowedAt: string | null;
  volume: number | null;
}

export interface CertificateView {
  caId: string;
  serial: string;
  template: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  status: string;
  reason: string | null;
  revokedAt: string | null;
}

export interface ReaderCardView {
  workstation: number;
  reader: string;
  serial: string;
  atr: string;
  leasedAt: string;
  live: boolean;
  requestId: string;
  requestState: string | null;
  cardholderName: string | null;
  cardId: string | null;
  cardState: string | null;
}

export interface StockReport {
  batches: Array<{ name: string; kind: string; counts: Record<string, number>; total: number }>;
  totals: Record<string, number>;
  total: number;
}

export interface StoredVolume {
  volume: number;
  volumeId: string;
  imageName: string;
  imageSha256: string;
  imageSize: number;
  entries: number;
  createdAt: string;
  audit: { seq: number; headHash: string };
  signer: { keyLabel: string; certificateSha256: string };
}

export interface ReconciliationReport {
  ok: boolean;
  cards: number;
  versions: number;
  copies: number;
  volumes: number[];
  missing: Array<{ cardId?: string; serial?: string | null; vscId: string; version: number }>;
  duplicated: Array<{ vscId: string; version: number; volumes: number[] }>;
  mismatched: Array<{ vscId: string; version: number; volume: number; reason: string }>;
  withoutVsc: Array<{ cardId: string; serial: string | null }>;
}
