import { Query } from '@nestjs/cqrs';
import type { CardState, CardStateRule } from '../card-lifecycle';

/** The card lifecycle: states, allowed transitions and their effect on certificates. */
export class ShowCardLifecycleQuery extends Query<Readonly<Record<CardState, CardStateRule>>> {}
