import { Badge, Card, Code, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { WorkerView } from '../../api/views';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

export default function DashboardScreen() {
  const workers = useQuery({
    queryKey: ['workers'],
    queryFn: () => call<WorkerView[]>(() => api.GET('/api/v1/workers')),
    refetchInterval: 5_000,
  });
  return (
    <Page title="Dashboard">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="sm">
            Card workers
          </Title>
          {workers.isPending ? <Loading /> : null}
          <Problem error={workers.error} />
          {workers.data && (
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
                {workers.data.map((w) => (
                  <Table.Tr key={w.id}>
                    <Table.Td>{w.name}</Table.Td>
                    <Table.Td>{w.workstation}</Table.Td>
                    <Table.Td>
                      <Badge color={w.status === 'approved' ? (w.online ? 'green' : 'gray') : 'orange'}>
                        {w.status === 'approved' ? (w.online ? 'online' : 'offline') : w.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Code>{w.fingerprint.slice(0, 23)}</Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {workers.data?.length === 0 && <Text c="dimmed">No card worker has registered.</Text>}
        </Card>
      </SimpleGrid>
    </Page>
  );
}
