import { Anchor, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { CardEscrowVersion, CertificateView } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

interface CardView {
  id: string;
  serial: string | null;
  state: string;
  cardholder_id: string | null;
  request_id: string | null;
  vsc_id: string | null;
  history: Array<{ from_state: string | null; to_state: string; at: string; actor: string }>;
}

/** A card: its state and history, its certificates with their status, its VSC versions and where each is archived. */
export default function CardScreen() {
  const { id = '' } = useParams();
  const card = useQuery({
    queryKey: ['card', id],
    queryFn: () => call<CardView>(() => api.GET('/api/v1/cards/{id}', { params: { path: { id } } })),
  });
  const requestId = card.data?.request_id ?? undefined;
  const certs = useQuery({
    queryKey: ['certificates', requestId],
    enabled: !!requestId,
    queryFn: () => call<CertificateView[]>(() => api.GET('/api/v1/certificates', { params: { query: { requestId } } })),
  });
  const escrow = useQuery({
    queryKey: ['card-escrow', id],
    queryFn: () => call<CardEscrowVersion[]>(() => api.GET('/api/v1/cards/{id}/escrow', { params: { path: { id } } })),
  });
  const c = card.data;
  return (
    <Page title={c?.serial ? `Card ${c.serial}` : 'Card'}>
      {card.isPending && <Loading />}
      <Problem error={card.error ?? certs.error ?? escrow.error} />
      {c && (
        <Stack>
          <Group>
            <Badge color={stateColor(c.state)}>{c.state}</Badge>
            {c.request_id && (
              <Anchor component={Link} to={`/requests/${c.request_id}`}>
                Its issuance request
              </Anchor>
            )}
          </Group>
          <Card withBorder>
            <Title order={3} size="h4">
              Certificates
            </Title>
            <Table aria-label="Certificates">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Template</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Serial</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Not after</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {certs.data?.map((x) => (
                  <Table.Tr key={x.serial}>
                    <Table.Td>{x.template}</Table.Td>
                    <Table.Td>{x.subject}</Table.Td>
                    <Table.Td>{x.serial.slice(0, 16)}…</Table.Td>
                    <Table.Td>
                      <Badge color={x.status === 'valid' ? 'green' : 'red'}>{x.status}</Badge> {x.reason ?? ''}
                    </Table.Td>
                    <Table.Td>{new Date(x.notAfter).toLocaleDateString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card withBorder>
            <Title order={3} size="h4">
              VSC versions
            </Title>
            <Table aria-label="VSC versions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Escrowed</Table.Th>
                  <Table.Th>Archive volume</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {escrow.data?.map((v) => (
                  <Table.Tr key={`${v.vscId}-${v.version}`}>
                    <Table.Td>{v.version}</Table.Td>
                    <Table.Td>{v.reason}</Table.Td>
                    <Table.Td>{v.sha256.slice(0, 16)}…</Table.Td>
                    <Table.Td>{v.escrowedAt ? new Date(v.escrowedAt).toLocaleString() : 'no'}</Table.Td>
                    <Table.Td>{v.volume ?? 'not sealed yet'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {escrow.data?.length === 0 && <Text size="sm">This card has no VSC.</Text>}
          </Card>
          <Card withBorder>
            <Title order={3} size="h4">
              History
            </Title>
            <Table aria-label="Card history">
              <Table.Tbody>
                {c.history.map((h, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{new Date(h.at).toLocaleString()}</Table.Td>
                    <Table.Td>
                      {h.from_state ?? '—'} → {h.to_state}
                    </Table.Td>
                    <Table.Td>{h.actor}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Stack>
      )}
    </Page>
  );
}
