import { Badge, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { RequestView, StepLogEntry } from '../../api/views';
import { LiveProgress, stateColor } from '../../components/LiveProgress';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

/** One request: its state and history, slots and certificates, the VSC, the steps on the card. */
export default function RequestScreen() {
  const { id = '' } = useParams();
  const r = useQuery({
    queryKey: ['request', id],
    queryFn: () => call<RequestView>(() => api.GET('/api/v1/issuance-requests/{id}', { params: { path: { id } } })),
    refetchInterval: 5_000,
  });
  const steps = useQuery({
    queryKey: ['steps', id],
    queryFn: () => call<StepLogEntry[]>(() => api.GET('/api/v1/personalisation/requests/{id}/steps', { params: { path: { id } } })),
    refetchInterval: 5_000,
  });
  const v = r.data;
  return (
    <Page title="Request">
      {r.isPending && <Loading />}
      <Problem error={r.error} />
      {v && (
        <Stack>
          <Group>
            <Text fw={600}>{v.cardholder.name}</Text>
            <Badge color={stateColor(v.state)}>{v.state}</Badge>
            <Text size="sm">{v.failure}</Text>
          </Group>
          <LiveProgress follow={{ request: v.id }} />
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Card withBorder>
              <Title order={3} size="h4">
                Slots and certificates
              </Title>
              <Table aria-label="Slots">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Slot</Table.Th>
                    <Table.Th>Algorithm</Table.Th>
                    <Table.Th>Escrow</Table.Th>
                    <Table.Th>Certificate</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {v.slots.map((s) => (
                    <Table.Tr key={s.slot}>
                      <Table.Td>{s.slot}</Table.Td>
                      <Table.Td>{s.algorithm}</Table.Td>
                      <Table.Td>{s.escrow}</Table.Td>
                      <Table.Td>{s.certificate ? `${s.certificate.serial.slice(0, 16)}… ${s.certificate.status}` : '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="sm" mt="sm">
                VSC{' '}
                {v.vsc ? `${v.vsc.id}, version ${v.vsc.currentVersion}, ${v.vsc.escrowed ? 'escrowed' : 'not escrowed'}` : 'not made yet'}
              </Text>
            </Card>
            <Card withBorder>
              <Title order={3} size="h4">
                History
              </Title>
              <Table aria-label="History">
                <Table.Tbody>
                  {v.history.map((h, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{new Date(h.at).toLocaleString()}</Table.Td>
                      <Table.Td>
                        {h.from ?? '—'} → {h.to}
                      </Table.Td>
                      <Table.Td>{h.actor}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </SimpleGrid>
          <Card withBorder>
            <Title order={3} size="h4">
              Steps on the card
            </Title>
            <Table aria-label="Steps">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Attempt</Table.Th>
                  <Table.Th>Step</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>Card</Table.Th>
                  <Table.Th>At</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {steps.data?.map((s, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{s.attempt}</Table.Td>
                    <Table.Td>{s.step}</Table.Td>
                    <Table.Td>{s.outcome}</Table.Td>
                    <Table.Td>{s.serial ?? '—'}</Table.Td>
                    <Table.Td>{new Date(s.at).toLocaleTimeString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {steps.data?.length === 0 && <Code>No card has been worked on yet.</Code>}
          </Card>
        </Stack>
      )}
    </Page>
  );
}
