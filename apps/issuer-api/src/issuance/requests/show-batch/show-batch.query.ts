import { Query } from '@nestjs/cqrs';

export interface BatchView {
  id: string;
  reference: string | null;
  size: number;
  createdBy: string;
  createdAt: string;
  states: Record<string, number>;
}

/** A batch: its size and how many of its requests are in each state. */
export class ShowBatchQuery extends Query<BatchView> {
  constructor(readonly batchId: string) {
    super();
  }
}
