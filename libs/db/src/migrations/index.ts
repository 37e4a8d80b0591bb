import { Initial1764028800000 } from './1764028800000-initial';
import { Trust1764032400000 } from './1764032400000-trust';
import { Issuance1764100000000 } from './1764100000000-issuance';
import { Archive1764200000000 } from './1764200000000-archive';
import { Reauth1764300000000 } from './1764300000000-reauth';
import { Personalisation1764400000000 } from './1764400000000-personalisation';
import { Helpdesk1764550000000 } from './1764550000000-helpdesk';
import { FailedCard1764650000000 } from './1764650000000-failed-card';
import { CardLeases1764700000000 } from './1764700000000-card-leases';
import { SeparationOfDuties1764720000000 } from './1764720000000-separation-of-duties';
import { PasswordChange1764730000000 } from './1764730000000-password-change';
import { Stock1764750000000 } from './1764750000000-stock';
import { AuditSequencer1764800000000 } from './1764800000000-audit-sequencer';
import { CardUpdates1764810000000 } from './1764810000000-card-updates';
import { Lifecycle1764820000000 } from './1764820000000-lifecycle';
import { CardUpdatePuk1764825000000 } from './1764825000000-card-update-puk';
import { PeriodicRuns1764840000000 } from './1764840000000-periodic-runs';

/** Every migration in order; new ones are appended here. */
export const migrations = [
  Initial1764028800000,
  Trust1764032400000,
  Issuance1764100000000,
  Archive1764200000000,
  Reauth1764300000000,
  Personalisation1764400000000,
  Helpdesk1764550000000,
  FailedCard1764650000000,
  CardLeases1764700000000,
  SeparationOfDuties1764720000000,
  PasswordChange1764730000000,
  Stock1764750000000,
  AuditSequencer1764800000000,
  CardUpdates1764810000000,
  Lifecycle1764820000000,
  CardUpdatePuk1764825000000,
  PeriodicRuns1764840000000,
];
