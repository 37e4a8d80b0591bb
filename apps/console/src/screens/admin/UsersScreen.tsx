import { Anchor, Badge, Button, Card, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import { hasAnyRole, type Role, useUser } from '../../session/session';
import { Notice } from '../auditor/Notice';

interface UserView {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  roles: Array<{ role: Role; status: string; approvalId: string | null }>;
  createdAt: string;
}

const ROLES: Role[] = ['security-officer', 'help-desk', 'auditor', 'admin'];

/**
 * Accounts and their roles. A role an admin asks for stays pending until a second admin approves it
 * (in the approvals inbox); pending grants are listed apart. Auditors see the list, read-only.
 */
export default function UsersScreen() {
  const qc = useQueryClient();
  const me = useUser();
  const isAdmin = hasAnyRole(me, ['admin']);
  const users = useQuery({ queryKey: ['users'], queryFn: () => call<UserView[]>(() => api.GET('/api/v1/users')) });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['users'] });
  const [grantFor, setGrantFor] = useState<UserView | null>(null);
  const [role, setRole] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState({ username: '', displayName: '', password: '' });

  const grant = useMutation({
    mutationFn: (v: { id: string; role: Role }) =>
      call<{ approvalId: string }>(() => api.POST('/api/v1/users/{id}/roles', { params: { path: { id: v.id } }, body: { role: v.role } })),
    onSuccess: () => {
      setGrantFor(null);
      setRole(null);
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (v: { id: string; role: Role }) =>
      call<unknown>(() => api.DELETE('/api/v1/users/{id}/roles/{role}', { params: { path: { id: v.id, role: v.role } } })),
    onSuccess: refresh,
  });
  const toggle = useMutation({
    mutationFn: (u: UserView) =>
      u.disabled
        ? call<unknown>(() => api.POST('/api/v1/users/{id}/enable', { params: { path: { id: u.id } } }))
        : call<unknown>(() => api.POST('/api/v1/users/{id}/disable', { params: { path: { id: u.id } } })),
    onSuccess: refresh,
  });
  const create = useMutation({
    mutationFn: () => call<unknown>(() => api.POST('/api/v1/users', { body: form })),
    onSuccess: () => {
      setCreating(false);
      setForm({ username: '', displayName: '', password: '' });
      refresh();
    },
  });

  const pending = (users.data ?? []).flatMap((u) => u.roles.filter((r) => r.status === 'pending').map((r) => ({ user: u, ...r })));
  return (
    <Page
      title="Users and roles"
      actions={
        isAdmin && (
          <Button onClick={() => setCreating(true)} variant="default">
            Add user
          </Button>
        )
      }
    >
      <Problem error={users.error ?? grant.error ?? revoke.error ?? toggle.error} />
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">
          Role grants waiting for a second admin
        </Title>
        {pending.length === 0 ? (
          <Text size="sm">None.</Text>
        ) : (
          <Table aria-label="Pending role grants">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Approval</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pending.map((p) => (
                <Table.Tr key={`${p.user.id}-${p.role}`}>
                  <Table.Td>{p.user.username}</Table.Td>
                  <Table.Td>{p.role}</Table.Td>
                  <Table.Td>
                    {p.approvalId ? (
                      <Anchor component={Link} to="/approvals">
                        in the approvals inbox
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="xs" mt="xs">
          An admin cannot approve a grant they asked for; another admin approves it in the approvals inbox.
        </Text>
      </Card>
      <Table striped aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Account</Table.Th>
            {isAdmin && <Table.Th>Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.map((u) => (
            <Table.Tr key={u.id} data-user={u.username}>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {u.roles.map((r) => (
                    <Badge key={r.role} color={r.status === 'active' ? 'blue' : 'yellow'}>
                      {r.role}
                      {r.status === 'active' ? '' : ` (${r.status})`}
                      {isAdmin && r.status === 'active' && (
                        <Anchor
                          component="button"
                          type="button"
                          c="inherit"
                          ml={6}
                          fz="xs"
                          aria-label={`Revoke ${r.role} from ${u.username}`}
                          onClick={() => revoke.mutate({ id: u.id, role: r.role })}
                        >
                          ×
                        </Anchor>
                      )}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{u.disabled ? <Badge color="red">disabled</Badge> : 'enabled'}</Table.Td>
              {isAdmin && (
                <Table.Td>
                  <Group gap="xs">
                    <Button size="xs" variant="default" onClick={() => setGrantFor(u)} aria-label={`Request a role for ${u.username}`}>
                      Request role
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => toggle.mutate(u)}
                      aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={grantFor !== null} onClose={() => setGrantFor(null)} title={`Request a role for ${grantFor?.username ?? ''}`}>
        <Stack>
          <Select
            label="Role"
            data={ROLES.filter((r) => !grantFor?.roles.some((x) => x.role === r))}
            value={role}
            onChange={setRole}
            comboboxProps={{ withinPortal: false }}
          />
          <Notice color="blue">The role takes effect when a second admin approves it.</Notice>
          <Problem error={grant.error} />
          <Button
            disabled={!role}
            loading={grant.isPending}
            onClick={() => grantFor && role && grant.mutate({ id: grantFor.id, role: role as Role })}
          >
            Request
          </Button>
        </Stack>
      </Modal>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Add a user">
        <Stack>
          <TextInput label="Username" value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} />
          <TextInput
            label="Display name"
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })}
          />
          <PasswordInput
            label="Initial password (changed at first log-in)"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
          <Problem error={create.error} />
          <Button
            loading={create.isPending}
            onClick={() => create.mutate()}
            disabled={!form.username || !form.displayName || !form.password}
          >
            Add
          </Button>
        </Stack>
      </Modal>
    </Page>
  );
}
