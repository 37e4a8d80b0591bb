import { Badge, type CSSVariablesResolver, createTheme, MantineProvider, Modal } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useMemo } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { ChangePasswordScreen } from '../screens/login/ChangePasswordScreen';
import { LoginScreen } from '../screens/login/LoginScreen';
import { hasAnyRole, SessionProvider, useSession } from '../session/session';
import { NotFound } from './NotFound';
import { registry } from './registry';
import { Shell } from './Shell';

/** The nonce the API put in this page for the component library's <style> elements (CSP). */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="scm-style-nonce"]')?.content ?? '';
// Modals lock scrolling with a <style> element (react-remove-scroll, through get-nonce), which
// takes its nonce from this global.
(globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = styleNonce;

// Darker shades than Mantine's defaults, so text on filled controls and dimmed text keep WCAG AA contrast.
// Badges: a tint of their colour behind dark text, which every colour passes.
const theme = createTheme({
  primaryShade: { light: 8, dark: 8 },
  components: {
    Badge: Badge.extend({ defaultProps: { variant: 'light', c: 'dark.8' } }),
    // A dialog's close button gets a name screen readers announce.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

// A screen opened shows what it last had and asks the API again at once: another person (the
// second officer of an approval) may have changed it a moment ago. Within a screen, answers stay
// fresh for 5 s (components that share a query ask once).
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000, refetchOnMount: 'always' } },
});

function Routes() {
  const { user } = useSession();
  const router = useMemo(() => {
    if (!user) return undefined;
    const screens = registry.filter((s) => hasAnyRole(user, s.roles));
    const first = screens.find((s) => s.nav);
    return createBrowserRouter([
      {
        path: '/',
        element: <Shell screens={screens} />,
        children: [
          { index: true, element: first ? <Navigate to={`/${first.path}`} replace /> : <NotFound /> },
          ...screens.map((s) => ({ path: s.path, lazy: async () => ({ Component: (await s.load()).default }) })),
          { path: '*', element: <NotFound /> },
        ],
      },
    ]);
    // A new user (log-in, log-out) gets a new router with the screens of their roles.
  }, [user?.id, user?.roles.join()]);
  if (!user) return <LoginScreen />;
  if (user.mustChangePassword) return <ChangePasswordScreen />;
  return <RouterProvider router={router!} />;
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} getStyleNonce={() => styleNonce} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <Routes />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
