import { Badge, Card, Code, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { WorkstationView } from '../../api/views';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

/** The seed's Fig. 3: every workstation with its readers and the cards in them, live. */
export default function ReadersScreen() {
  const q = useQuery({
    queryKey: ['workstations'],
    queryFn: () => call<WorkstationView[]>(() => api.GET('/api/v1/workstations')),
    refetchInterval: 2_000,
  });
  return (
    <Page title="Readers">
      {q.isPending && <Loading />}
      <Problem error={q.error} />
      <Stack>
        {q.data?.map((ws) => (
          <Card withBorder key={ws.id}>
            <Title order={3} size="h4">
              Workstation {ws.id}{' '}
              <Text span c="dimmed">
                {ws.host}
              </Text>
            </Title>
            <Table aria-label={`Readers of workstation ${ws.id}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Reader</Table.Th>
                  <Table.Th>Card</Table.Th>
                  <Table.Th>ATR</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {ws.readers.map((r) => (
                  <Table.Tr key={r.name}>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td>{r.cardPresent ? <Badge color="blue">card present</Badge> : <Badge color="gray">empty</Badge>}</Table.Td>
                    <Table.Td>{r.atr ? <Code>{r.atr}</Code> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        ))}
      </Stack>
    </Page>
  );
}
