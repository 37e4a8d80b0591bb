import { type CardIdentity, isManagementKeyAlgorithm, type ManagementKeyAlgorithmName } from '@scm/card-secrets';
import type { Card } from '../../issuance/cards/card.repository';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import type { StoredVsc } from '../../issuance/vsc-escrow/vsc.repository';
import { PersonalisationError, PersonalisationErrorCode } from '../personalisation-errors';

/** The management-key algorithm of the request's profile. */
export function managementKeyAlgorithm(request: IssuanceRequest): ManagementKeyAlgorithmName {
  const a = request.profile.managementKey.algorithm;
  if (!isManagementKeyAlgorithm(a))
    throw new PersonalisationError(PersonalisationErrorCode.Invalid, `profile management-key algorithm ${a} is unknown`);
  return a;
}

/** What the card's management key is diversified from: its serial and the GUID of its VSC. */
export function cardIdentity(request: IssuanceRequest, card: Card, vsc: StoredVsc | undefined): CardIdentity {
  if (!card.serial || !vsc)
    throw new PersonalisationError(PersonalisationErrorCode.NotReady, `request ${request.id} has no card identity yet`);
  return { serial: card.serial, guid: vsc.id };
}
