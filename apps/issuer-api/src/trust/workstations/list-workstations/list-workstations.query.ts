import { Query } from '@nestjs/cqrs';
import type { Workstation } from '../workstation.repository';

/** Workstations with their readers, as their card workers last reported them. */
export class ListWorkstationsQuery extends Query<Workstation[]> {}
