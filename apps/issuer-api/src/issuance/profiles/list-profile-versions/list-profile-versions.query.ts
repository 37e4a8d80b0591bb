import { Query } from '@nestjs/cqrs';

/** One approved version of a profile, as the API shows it. */
export interface ProfileVersionView {
  profileId: string;
  version: number;
  description: string;
  definition: Record<string, unknown>;
  proposedBy: string;
  approvedBy: string | null;
  approvalId: string | null;
  createdAt: string;
}

/** Every approved version of a card profile, oldest first. */
export class ListProfileVersionsQuery extends Query<ProfileVersionView[]> {
  constructor(readonly profileId: string) {
    super();
  }
}
