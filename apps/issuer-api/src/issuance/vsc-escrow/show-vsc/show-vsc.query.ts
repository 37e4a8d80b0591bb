import { Query } from '@nestjs/cqrs';
import type { VscKind } from '@scm/vsc';
import type { VscStateView, VscVersionView } from '../vsc-view';

export interface VscView {
  id: string;
  kind: VscKind;
  label: string;
  requestId: string | null;
  cardholderId: string | null;
  currentVersion: number;
  state: VscStateView;
  versions: VscVersionView[];
}

/** A managed VSC: its state and its sealed versions (hashes, HSM keys, escrow time; never content). */
export class ShowVscQuery extends Query<VscView> {
  constructor(readonly vscId: string) {
    super();
  }
}
