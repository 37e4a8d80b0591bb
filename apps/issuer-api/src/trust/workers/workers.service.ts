import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { workerAuthMessage, workerFingerprint } from '@scm/common';
import { SessionService } from '../auth/session.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { WorkerError, WorkerErrorCode } from './worker-errors';

export interface WorkerView {
  id: string;
  name: string;
  host: string;
  workstation: number;
  fingerprint: string;
  status: 'pending' | 'approved' | 'revoked';
  registeredAt: string;
  decidedAt: string | null;
  lastSeenAt: string | null;
  online?: boolean;
}

type WorkerRow = {
  id: string;
  name: string;
  host: string;
  workstation: number;
  sign_key: Buffer;
  kex_key: Buffer;
  fingerprint: string;
  status: WorkerView['status'];
  registered_at: Date;
  decided_at: Date | null;
  last_seen_at: Date | null;
};

export const toWorkerView = (r: WorkerRow): WorkerView => ({
  id: r.id,
  name: r.name,
  host: r.host,
  workstation: r.workstation,
  fingerprint: r.fingerprint,
  status: r.status,
  registeredAt: r.registered_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null,
  lastSeenAt: r.last_seen_at?.toISOString() ?? null,
});

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

function spkiOf(b64: string, type: 'ed25519' | 'x25519'): Buffer {
  const der = Buffer.from(b64, 'base64');
  try {
    const k = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (k.asymmetricKeyType !== type) throw new Error(`expected ${type}, got ${k.asymmetricKeyType}`);
    return Buffer.from(k.export({ format: 'der', type: 'spki' }));
  } catch (e) {
    throw new WorkerError(WorkerErrorCode.BadKey, `the ${type} public key is not valid: ${(e as Error).message}`);
  }
}

/** Card workers as enrolled machines: register with a one-time token, approved by an officer. */
@Injectable()
export class WorkersService {
  constructor(private readonly sessions: SessionService) {}

  /** A one-time enrolment token (returned once; only its hash is kept). */
  async createEnrollmentToken(
    tx: Tx,
    workstation: number | null,
    createdBy: string,
    ttlHours = 24,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(tx.now.getTime() + ttlHours * 3600_000);
    const id = randomUUID();
    await tx.em.query(
      `INSERT INTO enrollment_token (id, token_hash, workstation, created_by, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)`,
      [id, sha256(token), workstation, createdBy, tx.now, expiresAt],
    );
    tx.audit({
      action: 'worker.enrollment-token-created',
      targetType: 'enrollment-token',
      targetId: id,
      outcome: 'success',
      details: { workstation, expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt };
  }

  async register(
    tx: Tx,
    input: { enrollmentToken: string; name: string; host: string; workstation: number; signPublicKey: string; kexPublicKey: string },
  ): Promise<WorkerView | WorkerError> {
    const signKey = spkiOf(input.signPublicKey, 'ed25519');
    const kexKey = spkiOf(input.kexPublicKey, 'x25519');
    const tokens = (await tx.em.query(
      `SELECT id, workstation, expires_at, used_at FROM enrollment_token WHERE token_hash = $1 FOR UPDATE`,
      [sha256(input.enrollmentToken)],
    )) as Array<{ id: string; workstation: number | null; expires_at: Date; used_at: Date | null }>;
    const t = tokens[0];
    const bad = (reason: string): WorkerError => {
      tx.audit({
        action: 'worker.registered',
        targetType: 'worker',
        targetId: null,
        outcome: 'denied',
        details: { name: input.name, host: input.host, reason },
      });
      return new WorkerError(
        WorkerErrorCode.BadEnrollmentToken,
        'the enrolment token is unknown, used or expired; ask an officer for a new one (bin/scm worker enroll-token)',
      );
    };
    if (!t) return bad('unknown-token');
    if (t.used_at) return bad('token-already-used');
    if (t.expires_at <= tx.now) return bad('token-expired');
    if (t.workstation !== null && t.workstation !== input.workstation) {
      return new WorkerError(WorkerErrorCode.WrongWorkstation, `this token enrols workstation ${t.workstation}, not ${input.workstation}`);
    }
    const id = randomUUID();
    const fingerprint = workerFingerprint(signKey, kexKey);
    const rows = (await tx.em.query(
      `INSERT INTO card_worker (id, name, host, workstation, sign_key, kex_key, fingerprint, status, registered_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,'pending',$8) RETURNING *`,
      [id, input.name, input.host, input.workstation, signKey, kexKey, fingerprint, tx.now],
    )) as WorkerRow[];
    await tx.em.query(`UPDATE enrollment_token SET used_at = $2, worker_id = $3 WHERE id = $1`, [t.id, tx.now, id]);
    tx.audit(
      {
        action: 'worker.registered',
        targetType: 'worker',
        targetId: id,
        outcome: 'success',
        details: { name: input.name, host: input.host, workstation: input.workstation, fingerprint },
      },
      { ...tx.actor, actor: `worker:${id}`, actorName: input.name },
    );
    return toWorkerView(rows[0]);
  }

  async challenge(tx: Tx, workerId: string): Promise<{ nonce: string } | WorkerError> {
    const w = (await tx.em.query(`SELECT status FROM card_worker WHERE id = $1`, [workerId])) as Array<{ status: string }>;
    if (!w[0]) return new WorkerError(WorkerErrorCode.NotFound, `no worker ${workerId}`);
    const nonce = randomBytes(32);
    await tx.em.query(`DELETE FROM worker_challenge WHERE expires_at < $1`, [tx.now]);
    await tx.em.query(`INSERT INTO worker_challenge (nonce, worker_id, expires_at) VALUES ($1,$2,$3)`, [
      nonce,
      workerId,
      new Date(tx.now.getTime() + 60_000),
    ]);
    return { nonce: nonce.toString('hex') };
  }

  /** Proof of possession of the registered key; a session only for an approved worker. */
  async logIn(
    tx: Tx,
    input: { workerId: string; nonce: string; signature: string },
    meta: { address?: string | null },
  ): Promise<{ token: string; expiresAt: string; workstation: number } | WorkerError> {
    const rows = (await tx.em.query(`SELECT * FROM card_worker WHERE id = $1`, [input.workerId])) as WorkerRow[];
    const w = rows[0];
    if (!w) return new WorkerError(WorkerErrorCode.NotFound, `no worker ${input.workerId}`);
    const used = (await tx.em.query(`DELETE FROM worker_challenge WHERE nonce = $1 AND worker_id = $2 AND expires_at > $3 RETURNING 1`, [
      Buffer.from(input.nonce, 'hex'),
      w.id,
      tx.now,
    ])) as [unknown[], number];
    const key = createPublicKey({ key: w.sign_key, format: 'der', type: 'spki' });
    const sigOk = used[1] === 1 && verify(null, workerAuthMessage(w.id, input.nonce), key, Buffer.from(input.signature, 'base64'));
    if (!sigOk) {
      tx.audit(
        {
          action: 'worker.login',
          targetType: 'worker',
          targetId: w.id,
          outcome: 'denied',
          details: { reason: 'bad-signature-or-challenge' },
        },
        { ...tx.actor, actor: `worker:${w.id}`, actorName: w.name },
      );
      return new WorkerError(WorkerErrorCode.BadSignature, 'the challenge signature does not verify (or the challenge expired)');
    }
    if (w.status === 'pending')
      return new WorkerError(WorkerErrorCode.NotApproved, `worker ${w.id} awaits approval of fingerprint ${w.fingerprint}`, {
        fingerprint: w.fingerprint,
      });
    if (w.status === 'revoked') return new WorkerError(WorkerErrorCode.Revoked, `worker ${w.id} has been revoked`);
    const s = await this.sessions.create(tx.em, 'worker', w.id, meta);
    await tx.em.query(`UPDATE card_worker SET last_seen_at = $2 WHERE id = $1`, [w.id, tx.now]);
    tx.audit(
      { action: 'worker.login', targetType: 'worker', targetId: w.id, outcome: 'success', details: { sessionId: s.sessionId } },
      { ...tx.actor, actor: `worker:${w.id}`, actorName: w.name },
    );
    return { token: s.token, expiresAt: s.expiresAt.toISOString(), workstation: w.workstation };
  }

  async decide(
    tx: Tx,
    workerId: string,
    decision: 'approve' | 'revoke',
    officerId: string,
    fingerprint?: string,
  ): Promise<WorkerView | WorkerError> {
    const rows = (await tx.em.query(`SELECT * FROM card_worker WHERE id = $1 FOR UPDATE`, [workerId])) as WorkerRow[];
    const w = rows[0];
    if (!w) return new WorkerError(WorkerErrorCode.NotFound, `no worker ${workerId}`);
    if (decision === 'approve') {
      if (w.status === 'revoked')
        return new WorkerError(WorkerErrorCode.Revoked, 'a revoked worker stays revoked; enrol it again with a new token');
      if (!fingerprint || fingerprint.replace(/-/g, '').toUpperCase() !== w.fingerprint.replace(/-/g, '')) {
        tx.audit({
          action: 'worker.approved',
          targetType: 'worker',
          targetId: w.id,
          outcome: 'denied',
          details: { reason: 'fingerprint-mismatch' },
        });
        return new WorkerError(
          WorkerErrorCode.FingerprintMismatch,
          'the fingerprint does not match the one the worker registered; compare it with the worker console',
        );
      }
    }
    const status = decision === 'approve' ? 'approved' : 'revoked';
    const updated = (await tx.em.query(`UPDATE card_worker SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 RETURNING *`, [
      w.id,
      status,
      officerId,
      tx.now,
    ])) as [WorkerRow[], number];
    if (decision === 'revoke') await this.sessions.revokeAllOf(tx.em, 'worker', w.id);
    tx.audit({
      action: `worker.${status}`,
      targetType: 'worker',
      targetId: w.id,
      outcome: 'success',
      details: { name: w.name, fingerprint: w.fingerprint, previous: w.status },
    });
    return toWorkerView(updated[0][0]);
  }

  async list(tx: { em: Tx['em'] }): Promise<WorkerView[]> {
    const rows = (await tx.em.query(`SELECT * FROM card_worker ORDER BY registered_at`)) as WorkerRow[];
    return rows.map(toWorkerView);
  }
}
