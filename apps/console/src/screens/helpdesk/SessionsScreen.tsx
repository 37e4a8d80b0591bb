import { Badge, Button, Card, Group, Radio, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { WorkstationView } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import type { SessionView } from './views';
import { Notice } from '../auditor/Notice';

/**
 * Activation (an issued card's first PIN) and PIN unblock (an active card's new PIN) sessions.
 * The console only starts a session after the identity check and shows its state: the cardholder
 * types the PIN at the workstation's keyboard, and it never passes through the browser.
 */
export default function SessionsScreen() {
  const [purpose, setPurpose] = useState<'activation' | 'unblock'>('activation');
  const [serial, setSerial] = useState('');
  const [workstation, setWorkstation] = useState<string | null>(null);
  const [identityCheck, setIdentityCheck] = useState('');
  const [started, setStarted] = useState<string[]>([]);
  const stations = useQuery({
    queryKey: ['workstations'],
    queryFn: () => call<WorkstationView[]>(() => api.GET('/api/v1/workstations')),
  });
  const start = useMutation({
    mutationFn: () => {
      const body = { card: serial.trim(), workstation: Number(workstation), identityCheck: identityCheck.trim() };
      return purpose === 'activation'
        ? call<SessionView>(() => api.POST('/api/v1/activations', { body }))
        : call<SessionView>(() => api.POST('/api/v1/pin-unblocks', { body }));
    },
    onSuccess: (s) => setStarted((xs) => [s.id, ...xs.filter((x) => x !== s.id)]),
  });
  const sessions = useQueries({
    queries: started.map((id) => ({
      queryKey: ['activation', id],
      queryFn: () => call<SessionView>(() => api.GET('/api/v1/activations/{id}', { params: { path: { id } } })),
      refetchInterval: 2000,
    })),
  });
  return (
    <Page title="Activation and PIN unblock">
      <Card withBorder>
        <Stack>
          <Radio.Group label="Session" value={purpose} onChange={(v) => setPurpose(v as 'activation' | 'unblock')}>
            <Group mt="xs">
              <Radio value="activation" label="Activation" description="an issued card's first PIN" />
              <Radio value="unblock" label="PIN unblock" description="a new PIN for a blocked or forgotten one" />
            </Group>
          </Radio.Group>
          <Group grow align="flex-start">
            <TextInput label="Card serial" value={serial} onChange={(e) => setSerial(e.currentTarget.value)} required />
            <Select
              label="Workstation"
              placeholder="Where the cardholder types the PIN"
              data={(stations.data ?? []).map((w) => ({ value: String(w.id), label: `${w.id} · ${w.host}` }))}
              value={workstation}
              onChange={setWorkstation}
            />
          </Group>
          <TextInput
            label="Identity check (audited)"
            placeholder="e.g. badge photo compared"
            value={identityCheck}
            onChange={(e) => setIdentityCheck(e.currentTarget.value)}
            required
          />
          <Text size="sm" c="dimmed">
            The PIN is typed by the cardholder at the workstation; the console never asks for it.
          </Text>
          <Problem error={stations.error ?? start.error} />
          <Group>
            <Button
              onClick={() => start.mutate()}
              loading={start.isPending}
              disabled={!serial.trim() || workstation === null || !identityCheck.trim()}
            >
              Start session
            </Button>
          </Group>
        </Stack>
      </Card>
      {started.length === 0 ? (
        <Notice color="gray">No session started from this console yet.</Notice>
      ) : (
        <Table striped aria-label="Sessions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Session</Table.Th>
              <Table.Th>Card</Table.Th>
              <Table.Th>Workstation</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Identity check</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.map((q, i) => {
              const s = q.data;
              return (
                <Table.Tr key={started[i]}>
                  <Table.Td>{s?.purpose ?? '…'}</Table.Td>
                  <Table.Td>{s?.serial}</Table.Td>
                  <Table.Td>{s?.workstation}</Table.Td>
                  <Table.Td>
                    {s && <Badge color={stateColor(s.state)}>{s.state}</Badge>} {s?.failure}
                  </Table.Td>
                  <Table.Td>{s && new Date(s.expiresAt).toLocaleString()}</Table.Td>
                  <Table.Td>{s?.identityCheck}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Page>
  );
}
