import { createHash, randomUUID } from 'node:crypto';
import type { CardholderEntity } from '@scm/db';
import type { Logger } from 'pino';
import {
  KeyAlgorithm,
  MemoryKeyProtector,
  selfSignedCertificate,
  type VirtualSmartCard,
  VirtualSmartCard as Vsc,
  type VscDeps,
  type VscKind,
} from '@scm/vsc';
import { ArchiveRecoveryService } from '../../archive/archive-recovery.service';
import { CardLifecycleService } from '../../issuance/cards/card-lifecycle.service';
import { InMemoryCardRepository } from '../../issuance/cards/in-memory-card.repository';
import type { CardProfileDefinition } from '../../issuance/profiles/card-profile';
import { DEFAULT_DEFINITION, InMemoryProfileRepository } from '../../issuance/profiles/in-memory-profile.repository';
import { InMemoryRequestRepository } from '../../issuance/requests/in-memory-request.repository';
import { RequestStateMachine } from '../../issuance/requests/request-state-machine';
import { InMemoryVscRepository } from '../../issuance/vsc-escrow/in-memory-vsc.repository';
import { VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { InMemoryCertificateRepository } from '../../pki/in-memory-certificate.repository';
import type { ApiConfig } from '../../platform/config/api-config';
import { TestUnitOfWork, testActor } from '../../platform/testing/test-unit-of-work';
import { type ApprovalSpec, ApprovalsService } from '../../trust/approvals/approvals.service';
import { InMemoryApprovalRepository } from '../../trust/approvals/in-memory-approval.repository';
import { InMemoryWorkerRepository } from '../../trust/workers/in-memory-worker.repository';
import { InMemoryCardReportRepository } from '../card-reports/in-memory-card-report.repository';
import { InMemoryCardReportViewRepository } from '../card-reports/in-memory-card-report-views.repository';
import { KEY_RECOVERY_KIND } from '../key-recovery/key-recovery-approval';
import { InMemoryKeyRecoveryRepository } from '../key-recovery/in-memory-key-recovery.repository';
import { InMemoryPinUnblockRepository } from '../pin-unblock/in-memory-pin-unblock.repository';
import { REISSUE_KIND } from '../reissue/reissue-approval';
import { InMemoryReissueRepository } from '../reissue/in-memory-reissue.repository';
import { InMemoryReissueViewRepository } from '../reissue/in-memory-reissue-views.repository';
import { EscrowSource } from '../shared/escrow-source';
import { InMemoryHelpdeskCardRepository } from '../shared/in-memory-help-desk-card.repository';
import { StandInProfile } from '../shared/stand-in-profile';
import { TEMPORARY_CARD_KIND } from '../temporary-cards/temporary-card-approval';
import { InMemoryTemporaryCardRepository } from '../temporary-cards/in-memory-temporary-card.repository';
import { InMemoryTemporaryCardViewRepository } from '../temporary-cards/in-memory-temporary-card-views.repository';
import type { TemporaryCard } from '../temporary-cards/temporary-card.repository';
import { TemporaryCardRevocation } from '../temporary-cards/temporary-card-revocation.service';
import { TemporaryCardViews } from '../temporary-cards/temporary-card-view';
import { FakeDerivedVscIssuer, RecordingStatuses } from './help-desk-fakes';

export { approvalOf } from './help-desk-fakes';

const DAY_MS = 86_400_000;

/** What the help desk's handler specs configure. */
export const SPEC_CONFIG = {
  SCM_TEMPORARY_CARD_DAYS: 7,
  SCM_TEMPORARY_CARD_MAX_DAYS: 30,
  SCM_HELPDESK_APPROVALS: 2,
  SCM_ORGANIZATION: 'SCM Spec',
  SCM_ACTIVATION_TTL_MINUTES: 15,
} as ApiConfig;

/** The profile of the specs' cards: the key-management key escrowed, the others made on the card. */
export const SPEC_PROFILE: CardProfileDefinition = {
  slots: {
    '9a': { algorithm: 'p256', template: 'piv-authentication', escrow: 'on-card' },
    '9c': { algorithm: 'p256', template: 'piv-digital-signature', escrow: 'on-card' },
    '9d': { algorithm: 'p256', template: 'piv-key-management', escrow: 'escrow' },
  },
  pin: { minLength: 6, maxLength: 8, tries: 3 },
  puk: { length: 8, tries: 3 },
  managementKey: { algorithm: 'aes256' },
  validityDays: 365,
};

/**
 * The help desk over in-memory repositories, the real domain services (card lifecycle, request
 * state machine, VSC escrow over a memory key protector, temporary card revocation) and fakes
 * only for what needs the HSM's CA or another context's SQL (approvals, certificate status).
 * Fixtures are written in a unit of work of their own, so `uow` holds only what a spec did.
 */
export class HelpdeskWorld {
  readonly uow = new TestUnitOfWork();
  readonly fixtures = new TestUnitOfWork(this.uow.testClock);
  readonly cfg = SPEC_CONFIG;
  readonly holders = new Map<string, CardholderEntity>();
  readonly approvalRepo = new InMemoryApprovalRepository();
  readonly approvals = new ApprovalsService(this.approvalRepo, { SCM_APPROVAL_TTL_HOURS: 24 });
  readonly workers = new InMemoryWorkerRepository();
  readonly cards = new InMemoryCardRepository();
  readonly requests = new InMemoryRequestRepository();
  readonly vscs = new InMemoryVscRepository();
  readonly certificates = new InMemoryCertificateRepository();
  readonly helpdeskCards = new InMemoryHelpdeskCardRepository(this.cards, this.requests, this.vscs, this.holders);
  /** The card profiles: the default one as the issuance migration seeds it. */
  readonly profiles = new InMemoryProfileRepository();
  readonly standInProfile = new StandInProfile(this.profiles);
  readonly temporary = new InMemoryTemporaryCardRepository();
  readonly temporaryRecords = new InMemoryTemporaryCardViewRepository(this.temporary, this.vscs, this.cards, this.holders, this.workers);
  readonly reports = new InMemoryCardReportRepository();
  readonly reportRecords = new InMemoryCardReportViewRepository(this.reports, this.cards);
  readonly reissues = new InMemoryReissueRepository(this.requests, this.approvalRepo);
  readonly reissueRecords = new InMemoryReissueViewRepository(this.reissues, this.cards, this.requests, this.vscs);
  readonly recoveries = new InMemoryKeyRecoveryRepository(this.vscs);
  readonly sessions = new InMemoryPinUnblockRepository();
  readonly statuses = new RecordingStatuses();
  readonly issuer = new FakeDerivedVscIssuer();
  readonly protector = new MemoryKeyProtector(Buffer.alloc(32, 0x4b), Buffer.alloc(32, 0x52));
  readonly deps: VscDeps = { protector: this.protector };
  readonly alarms: Array<Record<string, unknown>> = [];
  readonly escrow: VscEscrowService;
  readonly escrowSource: EscrowSource;
  readonly lifecycle: CardLifecycleService;
  readonly states = new RequestStateMachine(this.requests);
  readonly revocation: TemporaryCardRevocation;
  readonly temporaryViews: TemporaryCardViews;

  constructor() {
    const deps = this.deps;
    const log = { error: (obj: Record<string, unknown>) => this.alarms.push(obj), warn: () => undefined } as unknown as Logger;
    this.escrow = new (class extends VscEscrowService {
      override deps(): VscDeps {
        return deps;
      }
    })(this.vscs, undefined as never, this.uow, log);
    // Reading from the escrow needs no database; the archive path is tested on real volumes.
    this.escrowSource = new EscrowSource(new ArchiveRecoveryService(undefined as never, this.vscs), this.escrow, this.vscs);
    this.lifecycle = new CardLifecycleService(this.cards, this.certificates, this.statuses.asService());
    this.revocation = new TemporaryCardRevocation(this.temporary, this.certificates, this.statuses.asService(), this.vscs);
    this.temporaryViews = new TemporaryCardViews(this.temporaryRecords, this.certificates);
    this.profiles.seed({ id: 'default', isDefault: true, definition: DEFAULT_DEFINITION });
    // Each use case's spec runs its executor itself; requests only need the kind to be known.
    for (const kind of [TEMPORARY_CARD_KIND, REISSUE_KIND, KEY_RECOVERY_KIND]) this.approvals.register(kind, async () => undefined);
  }

  /** What was asked for approval so far, as it was asked. */
  get requestedApprovals(): ApprovalSpec[] {
    return [...this.approvalRepo.requests.values()].map(({ kind, subject, approverRole, requiredApprovals, requestedBy }) => ({
      kind,
      subject,
      approverRole,
      requiredApprovals,
      requestedBy,
    }));
  }

  get now(): Date {
    return this.uow.testClock.now();
  }

  /** A sealed, escrowed VSC in the in-memory escrow: a 9D key with its certificate, unless told otherwise. */
  async storedVsc(
    opts: {
      kind?: VscKind;
      cardholderId?: string;
      requestId?: string;
      pinTries?: number;
      build?: (v: VirtualSmartCard) => Promise<void>;
    } = {},
  ): Promise<string> {
    const vsc = await Vsc.create({ kind: opts.kind ?? 'escrow', pinTries: opts.pinTries, allowWeakKdf: true }, this.deps);
    try {
      if (opts.build) await opts.build(vsc);
      else {
        await vsc.generateKey(0x9d, KeyAlgorithm.P256, { escrow: 'escrow' });
        vsc.putCertificate(await selfSignedCertificate(vsc, 0x9d, 'Ada Example'), { slot: 0x9d });
      }
      await vsc.seal();
      await this.fixtures.run(testActor(), async (tx) => {
        await this.escrow.storeNew(tx, vsc, {
          kind: opts.kind ?? 'escrow',
          requestId: opts.requestId,
          cardholderId: opts.cardholderId,
          reason: 'spec fixture',
        });
        await this.escrow.commitEscrow(tx, vsc.id, 1);
      });
      return vsc.id;
    } finally {
      vsc.close();
    }
  }

  /**
   * A cardholder's issued card in a given state, issued from a request of the spec profile, with its
   * escrowed VSC. With `request: false`, a card as `scm archive rebuild` leaves it: escrow, no request.
   */
  async card(
    state: string,
    opts: { escrow?: boolean; serial?: string; request?: boolean } = {},
  ): Promise<{ cardId: string; holderId: string; vscId?: string }> {
    const holderId = randomUUID();
    const cardId = randomUUID();
    const requestId = randomUUID();
    this.helpdeskCards.seedHolder({ id: holderId });
    const vscId =
      opts.escrow === false
        ? undefined
        : await this.storedVsc({ cardholderId: holderId, requestId: opts.request === false ? undefined : requestId });
    if (opts.request === false) {
      this.cards.seed({
        id: cardId,
        state: state as never,
        cardholderId: holderId,
        requestId: null,
        vscId: vscId ?? null,
        serial: opts.serial ?? `0000${cardId.slice(0, 4)}`,
      });
      return { cardId, holderId, vscId };
    }
    this.helpdeskCards.seedCard(
      {
        id: cardId,
        state: state as never,
        cardholderId: holderId,
        requestId,
        vscId: vscId ?? null,
        serial: opts.serial ?? `0000${cardId.slice(0, 4)}`,
      },
      { profile: SPEC_PROFILE, profileId: 'default' },
    );
    return { cardId, holderId, vscId };
  }

  /** A card worker that may host temporary cards. */
  host(status: 'approved' | 'pending' | 'revoked' = 'approved'): string {
    return this.workers.seed({ id: randomUUID(), name: 'helpdesk-1 ws1', workstation: 1, status }).id;
  }

  /**
   * A temporary card standing in for a reported card: its VSC (a 9C key, kind temporary) sealed
   * and escrowed, served by an approved host. With `kdfOutput` it is active with that PIN.
   */
  async temporaryCard(
    opts: { state?: TemporaryCard['state']; kdfOutput?: Buffer; expiresAt?: Date; pinRemaining?: number } = {},
  ): Promise<TemporaryCard> {
    const reported = await this.card('lost');
    const hostWorkerId = this.host();
    const id = await this.storedVsc({
      kind: 'temporary',
      cardholderId: reported.holderId,
      pinTries: 3,
      build: async (v) => {
        await v.generateKey(0x9c, KeyAlgorithm.P256, { escrow: 'regenerate' });
      },
    });
    if (opts.kdfOutput) await this.setPin(id, Buffer.from(opts.kdfOutput));
    return this.temporary.seed({
      id,
      state: opts.state ?? (opts.kdfOutput ? 'active' : 'issued'),
      cardholderId: reported.holderId,
      cardId: reported.cardId,
      sourceVscId: reported.vscId!,
      hostWorkerId,
      expiresAt: opts.expiresAt ?? new Date(this.now.getTime() + 7 * DAY_MS),
      pinRemaining: opts.pinRemaining ?? 3,
      activatedAt: opts.kdfOutput ? this.now : null,
    });
  }

  /** Adds the cardholder path for a PIN given as its Argon2id output: a new escrowed version. */
  async setPin(id: string, kdfOutput: Buffer): Promise<void> {
    await this.fixtures.run(testActor(), async (tx) => {
      const vsc = await this.escrow.openForRecovery(id, { tx });
      try {
        await vsc.setPinFromKdfOutput(Buffer.alloc(16, 0x5a), kdfOutput, vsc.currentHeader.kdf!);
        await vsc.seal();
        const v = await this.escrow.storeNextVersion(tx, vsc, 'spec PIN');
        await this.escrow.commitEscrow(tx, id, v.version);
      } finally {
        vsc.close();
      }
    });
  }

  /** Changes a stored copy's last byte (its seal) as a failing disk or an intruder would, its SHA-256 recomputed. */
  tamper(vscId: string, version: number): void {
    const stored = this.vscs.stored.find((v) => v.vscId === vscId && v.version === version)!;
    const content = Buffer.from(stored.content);
    content[content.length - 1] ^= 0x01;
    stored.content = content;
    stored.sha256 = createHash('sha256').update(content).digest();
  }
}
