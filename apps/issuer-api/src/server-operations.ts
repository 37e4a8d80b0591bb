import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ROLES, type Role } from '@scm/db';
import { InitArchiveKeyCommand } from './archive/init-archive-key/init-archive-key.command';
import { SealVolumeCommand } from './archive/seal-volume/seal-volume.command';
import { InitCaCommand } from './pki/init-ca/init-ca.command';
import { ListCasQuery } from './pki/list-cas/list-cas.query';
import { ApiError, ApiErrorCode } from './platform/http/api-errors';
import type { Actor } from './trust/auth/principal';
import { SignCheckpointCommand } from './trust/audit/sign-checkpoint/sign-checkpoint.command';
import { BootstrapUserCommand } from './trust/users/bootstrap-user/bootstrap-user.command';
import { CreateEnrollmentTokenCommand } from './trust/workers/create-enrollment-token/create-enrollment-token.command';

/** What an operation gets: the buses of the API's use cases, its arguments and the operator as the audit actor. */
export interface OperationContext {
  commands: CommandBus;
  queries: QueryBus;
  actor: Actor;
}

type Args = Record<string, unknown>;

const bad = (msg: string): never => {
  throw new ApiError(ApiErrorCode.Invalid, msg);
};
const str = (a: Args, k: string): string => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : bad(`${k} is required`));
const optStr = (a: Args, k: string): string | undefined => (a[k] === undefined ? undefined : str(a, k));
const optInt = (a: Args, k: string): number | undefined =>
  a[k] === undefined || a[k] === null ? undefined : Number.isInteger(a[k]) ? (a[k] as number) : bad(`${k} is a whole number`);
const roles = (a: Args): Role[] =>
  Array.isArray(a.roles) && a.roles.every((r) => (ROLES as readonly unknown[]).includes(r))
    ? (a.roles as Role[])
    : bad(`roles: ${ROLES.join(', ')}`);

/**
 * The use cases bin/scm's server-side commands run on the SCM host, by name: the same commands the
 * HTTP routes send, so a host command and the API cannot disagree (one exception: the bootstrap
 * of the first accounts, which no route offers).
 */
export const SERVER_OPERATIONS: Record<string, (args: Args, ctx: OperationContext) => Promise<unknown>> = {
  'bootstrap-user': (a, { commands, actor }) =>
    commands.execute(new BootstrapUserCommand(str(a, 'username'), optStr(a, 'displayName'), str(a, 'password'), roles(a), actor)),
  'create-enrollment-token': (a, { commands, actor }) =>
    commands.execute(new CreateEnrollmentTokenCommand(optInt(a, 'workstation') ?? null, actor, optInt(a, 'ttlHours') ?? 24)),
  'init-ca': (_a, { commands, actor }) => commands.execute(new InitCaCommand(actor)),
  'list-cas': (_a, { queries }) => queries.execute(new ListCasQuery()),
  'init-archive-key': (_a, { commands, actor }) => commands.execute(new InitArchiveKeyCommand(actor)),
  'seal-archive': (a, { commands, actor }) => commands.execute(new SealVolumeCommand(actor, str(a, 'directory'))),
  'sign-audit-checkpoint': (_a, { commands }) => commands.execute(new SignCheckpointCommand()),
};
