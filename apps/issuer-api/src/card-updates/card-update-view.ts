import type { CardUpdate } from './card-update.repository';

/** A card update as officers and the CLI see it (no key material; an object's value by size only). */
export interface CardUpdateView {
  id: string;
  cardId: string;
  kind: string;
  slot: string | null;
  objectTag: string | null;
  objectBytes: number | null;
  state: string;
  origin: string;
  reason: string;
  requestedBy: string;
  approvedBy: string | null;
  attempt: number;
  vscVersion: number | null;
  issued: Record<string, string>;
  supersedes: string[];
  retired: { slot: string; serial: string } | null;
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function cardUpdateView(u: CardUpdate): CardUpdateView {
  const p = (u.prepared ?? {}) as { issued?: Record<string, string>; supersedes?: string[]; retired?: { slot: string; serial: string } };
  return {
    id: u.id,
    cardId: u.cardId,
    kind: u.kind,
    slot: u.slot,
    objectTag: u.objectTag,
    objectBytes: u.objectValue ? u.objectValue.length : null,
    state: u.state,
    origin: u.origin,
    reason: u.reason,
    requestedBy: u.requestedBy,
    approvedBy: u.approvedBy,
    attempt: u.attempt,
    vscVersion: u.vscVersion,
    issued: p.issued ?? {},
    supersedes: p.supersedes ?? [],
    retired: p.retired ?? null,
    failure: u.failure,
    createdAt: u.createdAt.toISOString(),
    finishedAt: u.finishedAt?.toISOString() ?? null,
  };
}
