import { Anchor, Badge, Card, Code, Group, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { RequestSummary, StockReport, WorkerView } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/** The officer's overview: requests by state, failures waiting for a decision, card workers, stock. */
export default function DashboardScreen() {
  const counts = useQuery({
    queryKey: ['request-counts'],
    queryFn: () => call<Record<string, number>>(() => api.GET('/api/v1/issuance-request-counts')),
    refetchInterval: 5_000,
  });
  const failures = useQuery({
    queryKey: ['requests', 'failed-card', 0, 'dashboard'],
    queryFn: () =>
      call<RequestSummary[]>(() => api.GET('/api/v1/issuance-requests', { params: { query: { state: 'failed-card', limit: 10 } } })),
    refetchInterval: 5_000,
  });
  const workers = useQuery({
    queryKey: ['workers'],
    queryFn: () => call<WorkerView[]>(() => api.GET('/api/v1/workers')),
    refetchInterval: 5_000,
  });
  const stock = useQuery({ queryKey: ['stock'], queryFn: () => call<StockReport>(() => api.GET('/api/v1/stock/report')) });
  return (
    <Page title="Dashboard">
      <Problem error={counts.error ?? failures.error ?? workers.error ?? stock.error} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel title="Requests by state">
          <Group gap="xs" data-testid="request-counts">
            {counts.data &&
              Object.entries(counts.data).map(([s, n]) => (
                <Badge key={s} color={stateColor(s)} size="lg">
                  {s} {n}
                </Badge>
              ))}
          </Group>
        </Panel>
        <Panel title="Failures waiting for a decision">
          {failures.data?.length === 0 && <Text>None.</Text>}
          <Table aria-label="Failed cards">
            <Table.Tbody>
              {failures.data?.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/requests/${r.id}`}>
                      {r.cardholderName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.failure}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Panel>
        <Panel title="Card workers">
          <Table aria-label="Card workers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Worker</Table.Th>
                <Table.Th>Workstation</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Fingerprint</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workers.data?.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>{w.name}</Table.Td>
                  <Table.Td>{w.workstation}</Table.Td>
                  <Table.Td>
                    <Badge color={w.status === 'approved' ? (w.online ? 'green' : 'gray') : 'orange'}>
                      {w.status === 'approved' ? (w.online ? 'online' : 'offline') : w.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Code>{w.fingerprint}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {workers.data?.length === 0 && <Text>No card worker has registered.</Text>}
        </Panel>
        <Panel title="Stock">
          <Table aria-label="Stock">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Batch</Table.Th>
                <Table.Th>In stock</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stock.data?.batches.map((b) => (
                <Table.Tr key={b.name}>
                  <Table.Td>{b.name}</Table.Td>
                  <Table.Td>{b.counts['in-stock'] ?? 0}</Table.Td>
                  <Table.Td>{b.counts.issued ?? 0}</Table.Td>
                  <Table.Td>{b.total}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {stock.data?.batches.length === 0 && <Text>No stock batch is registered.</Text>}
        </Panel>
      </SimpleGrid>
    </Page>
  );
}
