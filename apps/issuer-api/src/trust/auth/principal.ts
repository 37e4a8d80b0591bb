import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@scm/db';

export type Principal =
  | {
      kind: 'user';
      id: string;
      username: string;
      roles: Role[];
      sessionId: string;
      authenticatedAt: Date;
      /** An administrator set the password: only changing it (and log-out, who-am-i) is allowed. */
      mustChangePassword?: boolean;
    }
  | { kind: 'worker'; id: string; name: string; workstation: number; sessionId: string };

/** Who performed an action, as the audit chain records it. */
export interface Actor {
  actor: string;
  actorName: string | null;
  role: string | null;
  requestId: string | null;
  address?: string | null;
}

export interface AuthedRequest {
  id?: string;
  ip?: string;
  principal?: Principal;
  /** The role under which the route was allowed. */
  actingRole?: Role | 'card-worker';
}

export function actorOf(req: AuthedRequest): Actor {
  const p = req.principal;
  if (!p) return { actor: 'anonymous', actorName: null, role: null, requestId: req.id ?? null, address: req.ip ?? null };
  return {
    actor: `${p.kind}:${p.id}`,
    actorName: p.kind === 'user' ? p.username : p.name,
    role: req.actingRole ?? null,
    requestId: req.id ?? null,
    address: req.ip ?? null,
  };
}

export const systemActor = (what: string): Actor => ({ actor: `system:${what}`, actorName: null, role: null, requestId: null });

/** The caller as an audit actor. */
export const CurrentActor = createParamDecorator((_d: unknown, ctx: ExecutionContext): Actor =>
  actorOf(ctx.switchToHttp().getRequest<AuthedRequest>()),
);

/** The authenticated principal (guarded routes only). */
export const CurrentPrincipal = createParamDecorator((_d: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new Error('CurrentPrincipal used on a public route');
  return p;
});
