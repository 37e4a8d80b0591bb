import { randomUUID } from 'node:crypto';
import type { CertificateInfo } from '@scm/ca';
import type { ApprovalRequestEntity } from '@scm/db';
import { KeyAlgorithm, type VirtualSmartCard } from '@scm/vsc';
import type { CertificateStatusAction, CertificateStatusService } from '../../pki/certificate-status.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { type ApprovalSpec, subjectHash } from '../../trust/approvals/approvals.service';
import type { DerivedVscPlan, DerivedVscResult } from '../shared/derived-vsc';
import type { DerivedVscIssuer } from '../shared/derived-vsc-issuer';

const DAY_MS = 86_400_000;

/** The approval request of a spec (pending, a day to live). */
export function approvalOf(spec: ApprovalSpec, now = new Date('2026-12-01T09:00:00Z')): ApprovalRequestEntity {
  return {
    id: randomUUID(),
    kind: spec.kind,
    subject: spec.subject,
    subjectHash: subjectHash(spec.kind, spec.subject),
    approverRole: spec.approverRole,
    requiredApprovals: spec.requiredApprovals,
    requestedBy: spec.requestedBy,
    requestedAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
    status: 'pending',
  };
}

/** Certificate status changes as asked (the CA itself is tested on SoftHSM2). */
export class RecordingStatuses {
  readonly applied: Array<{ serial: string; change: CertificateStatusAction; comment?: string }> = [];

  async apply(_tx: Tx, serial: string, change: CertificateStatusAction, comment?: string): Promise<CertificateInfo> {
    this.applied.push({ serial, change, comment });
    return {} as CertificateInfo;
  }

  asService(): CertificateStatusService {
    return this as unknown as CertificateStatusService;
  }
}

/**
 * The CA side of a derived VSC as a spec fakes it (the real one, with the CA on SoftHSM2, is
 * test/helpdesk/derived-vsc.test.ts): a fresh 9C key and a made-up certificate serial.
 */
export class FakeDerivedVscIssuer {
  readonly plans: DerivedVscPlan[] = [];

  async latestExpiry(tx: { now: Date }, days: number): Promise<Date> {
    return new Date(tx.now.getTime() + days * DAY_MS);
  }

  async fill(_tx: Tx, vsc: VirtualSmartCard, _src: VirtualSmartCard, plan: DerivedVscPlan): Promise<DerivedVscResult> {
    this.plans.push(plan);
    await vsc.generateKey(0x9c, KeyAlgorithm.P256, { escrow: plan.mode === 'temporary' ? 'regenerate' : 'on-card' });
    return {
      issued: { '9c': 'c0ffee01' },
      restored: [],
      recovered: [{ from: '9d', to: plan.mode === 'temporary' ? '9d' : '82', serial: '9d0001' }],
      onCard: plan.mode === 'reissue' ? ['9a'] : [],
      expires: plan.expires,
    };
  }

  asService(): DerivedVscIssuer {
    return this as unknown as DerivedVscIssuer;
  }
}
