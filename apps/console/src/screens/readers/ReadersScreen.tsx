import { Anchor, Badge, Card, Code, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { ReaderCardView, WorkstationView } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

const ONLINE_MS = 30_000;

/**
 * The seed's Fig. 3: every workstation with its readers (real and virtual), whether a card is in
 * each, its ATR, and what SCM knows of the card it last worked on there, refreshed every 2 s.
 */
export default function ReadersScreen() {
  const ws = useQuery({
    queryKey: ['workstations'],
    queryFn: () => call<WorkstationView[]>(() => api.GET('/api/v1/workstations')),
    refetchInterval: 2_000,
  });
  const cards = useQuery({
    queryKey: ['reader-cards'],
    queryFn: () => call<ReaderCardView[]>(() => api.GET('/api/v1/personalisation/reader-cards')),
    refetchInterval: 2_000,
  });
  const known = new Map((cards.data ?? []).map((c) => [`${c.workstation}|${c.reader}`, c]));
  return (
    <Page title="Readers">
      {ws.isPending && <Loading />}
      <Problem error={ws.error ?? cards.error} />
      {ws.data?.length === 0 && <Text>No card worker has reported a workstation yet.</Text>}
      <SimpleGrid cols={{ base: 1, xl: 2 }}>
        {ws.data?.map((w) => {
          const online = Date.now() - new Date(w.lastSeen).getTime() < ONLINE_MS;
          return (
            <Card withBorder key={w.id} data-workstation={w.id}>
              <Stack gap="xs">
                <Title order={3} size="h4">
                  Workstation {w.id} <Badge color={online ? 'green' : 'gray'}>{online ? 'online' : 'offline'}</Badge>
                </Title>
                <Text size="sm">
                  {w.host}, last report {new Date(w.lastSeen).toLocaleTimeString()}
                </Text>
                <Table aria-label={`Readers of workstation ${w.id}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Reader</Table.Th>
                      <Table.Th>Card</Table.Th>
                      <Table.Th>ATR</Table.Th>
                      <Table.Th>What SCM knows</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {w.readers.map((r) => {
                      const c = known.get(`${w.id}|${r.name}`);
                      const same = !!c && r.cardPresent && !!r.atr && r.atr.toLowerCase() === c.atr.toLowerCase();
                      return (
                        <Table.Tr key={r.name} data-reader={r.name}>
                          <Table.Td>
                            {r.name} {/virtual/i.test(r.name) && <Badge color="gray">virtual</Badge>}
                          </Table.Td>
                          <Table.Td>{r.cardPresent ? <Badge color="blue">present</Badge> : <Text size="sm">empty</Text>}</Table.Td>
                          <Table.Td>{r.atr ? <Code>{r.atr}</Code> : '—'}</Table.Td>
                          <Table.Td>
                            {c ? (
                              <Stack gap={2}>
                                <Text size="sm">
                                  {same ? 'Card' : 'Last card'}{' '}
                                  {c.cardId ? (
                                    <Anchor component={Link} to={`/cards/${c.cardId}`}>
                                      {c.serial}
                                    </Anchor>
                                  ) : (
                                    c.serial
                                  )}
                                  {c.cardholderName ? ` for ${c.cardholderName}` : ''}
                                </Text>
                                <Badge color={stateColor(c.cardState ?? c.requestState ?? '')} data-testid="reader-card-state">
                                  {c.cardState ?? c.requestState ?? 'unknown'}
                                </Badge>
                                {c.live && ['awaiting-card', 'personalising', 'verifying'].includes(c.requestState ?? '') && (
                                  <Text size="xs">being worked on</Text>
                                )}
                              </Stack>
                            ) : r.cardPresent ? (
                              <Text size="sm">not worked on yet (blank or foreign card)</Text>
                            ) : (
                              '—'
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
    </Page>
  );
}
