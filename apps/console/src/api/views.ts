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
