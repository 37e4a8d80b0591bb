import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS, type AccessRule } from '../../trust/auth/access.decorator';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: AccessRule | undefined;
  /** The controller class and handler function (for guard checks in tests). */
  target: { cls: object; fn: object };
}

const join = (...parts: string[]): string =>
  `/${parts
    .map((p) => p.replace(/^\/|\/$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/** Every route the application's controllers declare, with its access rule (undefined = none declared). */
export function routeTable(app: INestApplication): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      if (!ctrl) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, ctrl) as string | undefined) ?? '';
      const classRule = Reflect.getMetadata(ACCESS, ctrl) as AccessRule | undefined;
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor' || typeof proto[name] !== 'function') continue;
        const fn = proto[name] as object;
        const path = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        for (const p of ([] as string[]).concat(path)) {
          out.push({
            method: RequestMethod[method],
            path: join(base, p),
            controller: ctrl.name,
            handler: name,
            access: (Reflect.getMetadata(ACCESS, fn) as AccessRule | undefined) ?? classRule,
            target: { cls: ctrl, fn },
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
