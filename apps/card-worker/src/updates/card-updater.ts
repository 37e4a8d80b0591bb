import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PcscError } from '@scm/pcsc';
import { InvalidPukError, NoKeyError, PivError, PivErrorCode, type PivSession } from '@scm/piv';
import {
  type CardUpdateOperation,
  type CardUpdatePlan,
  type CardUpdateProofs,
  type KeyMaterial,
  unwrapAsWorker,
} from '@scm/personalisation';
import { keyAlgorithm, MANAGEMENT_ALGORITHMS, RemoteManagementKey, unpadSecret } from '../personalisation/card-keys';
import { cardRefusal, certifies } from '../personalisation/card-state';
import { WorkerApiError } from '../personalisation/worker-api.client';
import type { CardUpdatesClient } from './card-updates.client';

const slotByte = (slot: string): number => parseInt(slot, 16);
/** Objects whose GET DATA needs the PIN (SP 800-73-4: fingerprints, facial image, printed information, iris). */
const PIN_PROTECTED = new Set([0x5fc103, 0x5fc108, 0x5fc109, 0x5fc121]);

export type CardUpdateOutcome =
  | { kind: 'done'; updateId: string }
  /** The card left the reader mid-way: the update waits for the card's next insertion. */
  | { kind: 'interrupted'; updateId: string; reason: string }
  /** The card refused a command, or its proofs failed: the update failed (an officer queues another). */
  | { kind: 'failed'; updateId: string; reason: string };

export interface CardUpdaterPorts {
  api: CardUpdatesClient;
  workerId: string;
  kexKey: KeyObject;
  apiKey(): KeyObject;
  /** Progress of an update (worker log; the API audits each start and end). */
  progress(updateId: string, what: string, details?: Record<string, unknown>): void;
}

/**
 * Runs one card update on a card in a reader (docs/card-updates.md): authenticates with the card's
 * diversified management key through the API's HSM, makes the plan's changes in order — an imported
 * key is followed at once by its certificate, a generated key is certified and its certificate
 * written before anything else — then proves the result (a signature over the API's nonce message
 * for 9E; the public key GET METADATA reports for slots that need the cardholder's PIN).
 *
 * Restartable from the top: writing a certificate or an object again is harmless, an imported key
 * is the same escrowed key, and a slot whose key already matches the update's certificate is not
 * generated again.
 */
export class CardUpdater {
  constructor(private readonly ports: CardUpdaterPorts) {}

  async run(session: PivSession, plan: CardUpdatePlan): Promise<CardUpdateOutcome> {
    const { api } = this.ports;
    const id = plan.updateId;
    try {
      await this.apply(session, plan);
      const proofs = await this.prove(session, plan);
      await api.complete(id, proofs);
      this.ports.progress(id, 'done', { kind: plan.kind, vscVersion: plan.vscVersion });
      return { kind: 'done', updateId: id };
    } catch (e) {
      if (e instanceof WorkerApiError) throw e;
      if (!(e instanceof PcscError) && (cardRefusal(e) || (e instanceof PivError && e.code === PivErrorCode.InvalidArgument))) {
        const reason = (e as Error).message.slice(0, 300);
        await api.stop(id, 'refused', reason).catch(() => undefined);
        return { kind: 'failed', updateId: id, reason };
      }
      // The card left the reader, or stopped answering (an empty or missing response): the update
      // waits for the card's next insertion, where it resumes.
      const reason = e instanceof PcscError ? `${e.code}: ${e.message}` : (e as Error).message;
      await api.stop(id, 'interrupted', reason).catch(() => undefined);
      return { kind: 'interrupted', updateId: id, reason };
    }
  }

  private async apply(session: PivSession, plan: CardUpdatePlan): Promise<void> {
    const { api } = this.ports;
    const alg = MANAGEMENT_ALGORITHMS[plan.managementKeyAlgorithm];
    if (alg === undefined)
      throw new PivError(PivErrorCode.InvalidArgument, `unknown management-key algorithm ${plan.managementKeyAlgorithm}`);
    await session.authenticate(new RemoteManagementKey(alg, (w) => api.cryptograms(plan.updateId, w)));
    this.ports.progress(plan.updateId, 'authenticated', { attempt: plan.attempt });
    let material: KeyMaterial | undefined;
    if (plan.keyMaterial) {
      material = unwrapAsWorker(plan.keyMaterial, this.ports.kexKey, {
        requestId: plan.updateId,
        workerId: this.ports.workerId,
        cardSerial: plan.serial,
        purpose: 'card-update',
        apiKey: this.ports.apiKey(),
      });
    }
    try {
      for (const op of plan.operations) {
        await this.operation(session, plan, op, material);
        this.ports.progress(plan.updateId, op.op, 'slot' in op ? { slot: op.slot } : 'tag' in op ? { tag: op.tag.toString(16) } : {});
      }
    } finally {
      for (const k of material?.keys ?? []) k.pkcs8.fill(0);
      material?.puk?.fill(0);
    }
  }

  private async operation(
    session: PivSession,
    plan: CardUpdatePlan,
    op: CardUpdateOperation,
    material: KeyMaterial | undefined,
  ): Promise<void> {
    switch (op.op) {
      case 'import': {
        const k = material?.keys.find((x) => x.slot === op.slot);
        if (!k) throw new PivError(PivErrorCode.InvalidArgument, `the key material has no key for slot ${op.slot}`);
        await session.importKey(slotByte(op.slot), createPrivateKey({ key: k.pkcs8, format: 'der', type: 'pkcs8' }));
        return;
      }
      case 'certificate':
        await session.writeCertificate(slotByte(op.slot), Buffer.from(op.certificate, 'base64'));
        return;
      case 'object':
        await session.putObject(op.tag, Buffer.from(op.value, 'base64'));
        // The card proves it holds what was written: read back and compared (objects a PIN protects
        // cannot be read without the cardholder: their PUT DATA's 9000 stands).
        if (PIN_PROTECTED.has(op.tag)) return;
        if (!Buffer.from((await session.getObject(op.tag)) ?? []).equals(Buffer.from(op.value, 'base64')))
          throw new PivError(PivErrorCode.CardError, `object ${op.tag.toString(16)} does not read back as written`);
        return;
      case 'generate': {
        const slot = slotByte(op.slot);
        const held = await this.publicKey(session, slot);
        let certificate = op.certificate;
        if (!(held && certificate && certifies(certificate, held))) {
          // A key certified by nothing yet (a pulled attempt generated it) is certified now; the old key is replaced.
          const spki = held && !certifies(op.previous, held) ? held : (await session.generateKey(slot, keyAlgorithm(op.algorithm))).spki;
          certificate = (await this.ports.api.certify(plan.updateId, op.slot, spki)).certificate;
        }
        await session.writeCertificate(slot, Buffer.from(certificate, 'base64'));
        return;
      }
      case 'puk':
        await this.rotatePuk(session, plan);
        return;
    }
  }

  /**
   * CHANGE REFERENCE DATA of the PUK to the new one. The first attempt starts from the card's
   * current PUK; a resumed one from the new PUK (an interrupted attempt may have changed it: the
   * change to itself is harmless), then the current one. A wrong guess spends a PUK try (the
   * successful change restores them): with one try left only the first guess is made.
   */
  private async rotatePuk(session: PivSession, plan: CardUpdatePlan): Promise<void> {
    if (!plan.puk) throw new PivError(PivErrorCode.InvalidArgument, 'a PUK rotation without the PUKs');
    const open = (w: NonNullable<CardUpdatePlan['puk']>['current']): Buffer => {
      const m = unwrapAsWorker(w, this.ports.kexKey, {
        requestId: plan.updateId,
        workerId: this.ports.workerId,
        cardSerial: plan.serial,
        purpose: 'card-update',
        apiKey: this.ports.apiKey(),
      });
      if (!m.puk) throw new PivError(PivErrorCode.InvalidArgument, 'a PUK package without a PUK');
      return m.puk;
    };
    const current = open(plan.puk.current);
    const next = open(plan.puk.next);
    try {
      const newPuk = unpadSecret(next);
      const both = plan.attempt > 1 ? [newPuk, unpadSecret(current)] : [unpadSecret(current), newPuk];
      const status = await session.pukStatus();
      if (status?.blocked) throw new PivError(PivErrorCode.PukBlocked, 'the PUK is blocked');
      const order = status?.retriesLeft !== undefined && status.retriesLeft < 2 ? both.slice(0, 1) : both;
      for (let i = 0; i < order.length; i++) {
        try {
          await session.changePuk(order[i], newPuk);
          this.ports.progress(plan.updateId, 'puk changed', { from: i === 0 ? 'first guess' : 'second guess' });
          return;
        } catch (e) {
          // A wrong first guess leaves the card on its other PUK: the second guess (while a try is left) is the one it holds.
          if (e instanceof InvalidPukError && i < order.length - 1 && e.retriesLeft >= 1) continue;
          throw e;
        }
      }
    } finally {
      current.fill(0);
      next.fill(0);
    }
  }

  private async publicKey(session: PivSession, slot: number): Promise<Uint8Array | undefined> {
    try {
      return (await session.getMetadata(slot)).publicKey?.spki;
    } catch (e) {
      if (e instanceof NoKeyError) return undefined;
      throw e;
    }
  }

  private async prove(session: PivSession, plan: CardUpdatePlan): Promise<CardUpdateProofs> {
    const out: CardUpdateProofs = { signatures: [], keys: [] };
    if (plan.kind === 'rotate-puk') {
      // CHANGE REFERENCE DATA's 9000 is the proof; GET METADATA 81 (Yubico) adds the tries and the default flag.
      const m = await session.tryMetadata(0x81);
      out.puk = {
        changed: true,
        ...(m ? { isDefault: !!m.isDefault, retriesLeft: m.retriesLeft, retriesTotal: m.retriesTotal } : {}),
      };
    }
    for (const p of plan.proofs) {
      if (p.message) {
        const sig = await session.sign(slotByte(p.slot), keyAlgorithm(p.algorithm), Buffer.from(p.message, 'base64'));
        out.signatures.push({ slot: p.slot, signature: Buffer.from(sig).toString('base64') });
      } else {
        const spki = await this.publicKey(session, slotByte(p.slot));
        if (!spki) throw new PivError(PivErrorCode.CardError, `slot ${p.slot} holds no key after the update`);
        out.keys.push({ slot: p.slot, publicKey: Buffer.from(spki).toString('base64') });
      }
    }
    return out;
  }
}

/** The serial of a certificate (DER, base64), lower-case hex. */
export const serialOf = (certB64: string): string => new X509Certificate(Buffer.from(certB64, 'base64')).serialNumber.toLowerCase();
