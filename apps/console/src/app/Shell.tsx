import { AppShell, Badge, Button, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { Loading } from '../components/Loading';
import { useSession } from '../session/session';
import type { ScreenDef } from './screen';
import { NAV_GROUPS } from './registry';

/** The frame around every screen: a header with the user, and the navigation their roles allow. */
export function Shell({ screens }: { screens: ScreenDef[] }) {
  const { user, logout } = useSession();
  const location = useLocation();
  const groups = NAV_GROUPS.map((g) => ({ group: g, items: screens.filter((s) => s.nav === g) })).filter((g) => g.items.length);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h3">
            SCM console
          </Title>
          <Group gap="xs">
            <Text size="sm" data-testid="username">
              {user?.username}
            </Text>
            {user?.roles.map((r) => (
              <Badge key={r}>{r}</Badge>
            ))}
            <Button size="xs" variant="default" onClick={() => void logout()}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        <ScrollArea>
          <Stack gap="md">
            {groups.map((g) => (
              <div key={g.group}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
                  {g.group}
                </Text>
                {g.items.map((s) => (
                  <NavLink
                    key={s.path}
                    component={Link}
                    to={`/${s.path}`}
                    label={s.title}
                    variant="filled"
                    active={location.pathname === `/${s.path}` || location.pathname.startsWith(`/${s.path}/`)}
                  />
                ))}
              </div>
            ))}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
