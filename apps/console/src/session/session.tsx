import { Button, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiProblem, call, setSessionHooks, setToken } from '../api/client';

export type Role = 'security-officer' | 'help-desk' | 'auditor' | 'admin';

export interface User {
  id: string;
  username: string;
  roles: Role[];
  mustChangePassword: boolean;
}

interface SessionValue {
  user: User | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Reads who-am-i again (after a password change). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; undefined on the login screen. */
export const useUser = (): User | undefined => useSession().user;

/** Whether the user holds any of the roles. */
export const hasAnyRole = (user: User | undefined, roles: readonly Role[]): boolean => !!user && roles.some((r) => user.roles.includes(r));

async function whoAmI(): Promise<User> {
  const me = await call<{ id: string; username: string; roles: Role[]; mustChangePassword?: boolean }>(() => api.GET('/api/v1/auth/me'));
  return { id: me.id, username: me.username, roles: me.roles, mustChangePassword: !!me.mustChangePassword };
}

/**
 * The session: a bearer token kept in memory (api/client.ts), the user it belongs to, and the
 * password prompt the API's re-authentication asks for.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | undefined>();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const pending = useRef<((ok: boolean) => void) | undefined>(undefined);

  const loggedOut = useCallback(() => {
    setToken(undefined);
    setUser(undefined);
  }, []);

  useEffect(() => {
    setSessionHooks({
      reauth: () =>
        new Promise<boolean>((resolve) => {
          pending.current = resolve;
          setPassword('');
          setError(undefined);
          setAsking(true);
        }),
      loggedOut,
    });
  }, [loggedOut]);

  const finish = (ok: boolean) => {
    setAsking(false);
    setPassword('');
    pending.current?.(ok);
    pending.current = undefined;
  };

  const confirm = async () => {
    try {
      await call(() => api.POST('/api/v1/auth/reauth', { body: { password } }));
      finish(true);
    } catch (e) {
      setError(e instanceof ApiProblem ? `${e.message} (${e.code})` : String(e));
    }
  };

  const value = useMemo<SessionValue>(
    () => ({
      user,
      async login(username, pw) {
        const r = await call<{ token: string }>(() =>
          api.POST('/api/v1/auth/login', { body: { username, password: pw }, params: { header: { 'user-agent': navigator.userAgent } } }),
        );
        setToken(r.token);
        setUser(await whoAmI());
      },
      async logout() {
        await call(() => api.POST('/api/v1/auth/logout')).catch(() => undefined);
        loggedOut();
      },
      async refresh() {
        setUser(await whoAmI());
      },
    }),
    [user, loggedOut],
  );

  return (
    <SessionContext.Provider value={value}>
      {children}
      <Modal opened={asking} onClose={() => finish(false)} title="Confirm your password" centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <Stack>
            <Text size="sm">This action needs a recent confirmation of your password.</Text>
            <PasswordInput
              label="Password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={error}
              data-autofocus
            />
            <Button type="submit">Confirm</Button>
          </Stack>
        </form>
      </Modal>
    </SessionContext.Provider>
  );
}
