import createClient from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The typed API client. Paths, parameters and request bodies come from the API's OpenAPI
 * document (schema.d.ts, generated). The session's bearer token lives in this module's memory
 * only: never in localStorage, sessionStorage or a cookie, so a reload logs out and no other page
 * or script of this origin can read it from storage.
 */
let token: string | undefined;

export const setToken = (t: string | undefined): void => {
  token = t;
};
export const hasToken = (): boolean => token !== undefined;
export const authHeader = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export const api = createClient<paths>({ baseUrl: '' });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
});

/** A problem+json answer of the API. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

interface Hooks {
  /** Asks the user for their password again; resolves false when they cancel. */
  reauth(): Promise<boolean>;
  /** The session is gone (expired, revoked): back to the login screen. */
  loggedOut(): void;
}
let hooks: Hooks = { reauth: () => Promise.resolve(false), loggedOut: () => undefined };
export const setSessionHooks = (h: Hooks): void => {
  hooks = h;
};

type Answer<T> = { data?: T; error?: unknown; response: Response };

function problemOf(a: Answer<unknown>): ApiProblem {
  const e = (a.error ?? {}) as { code?: string; detail?: string; title?: string };
  return new ApiProblem(a.response.status, e.code ?? `http.${a.response.status}`, e.detail ?? e.title ?? a.response.statusText);
}

/**
 * Runs one API call: the answer's data, or an ApiProblem. Where the API wants a recent password
 * (routes marked @Fresh answer auth.reauth-required) the user is asked for it and the call runs
 * once more; an unknown or expired session logs out.
 */
export async function call<T>(fn: () => Promise<Answer<T>>): Promise<T> {
  let a = await fn();
  if (a.error !== undefined || !a.response.ok) {
    let p = problemOf(a);
    if (p.code === 'auth.reauth-required' && (await hooks.reauth())) {
      a = await fn();
      if (a.error === undefined && a.response.ok) return a.data as T;
      p = problemOf(a);
    }
    if (p.code === 'auth.unauthenticated' && token) hooks.loggedOut();
    throw p;
  }
  return a.data as T;
}
