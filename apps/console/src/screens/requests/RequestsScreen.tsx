import { Anchor, Badge, Group, Select, Table } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { RequestSummary } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Problem } from '../../components/Problem';

const PAGE = 50;
const STATES = ['requested', 'awaiting-card', 'personalising', 'verifying', 'issued', 'failed-card', 'failed', 'cancelled'];

export default function RequestsScreen() {
  const [state, setState] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ['requests', state, offset],
    queryFn: () =>
      call<RequestSummary[]>(() =>
        api.GET('/api/v1/issuance-requests', { params: { query: { state: (state ?? undefined) as never, limit: PAGE, offset } } }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <Page title="Requests">
      <Group justify="space-between">
        <Select
          aria-label="State"
          placeholder="Any state"
          data={STATES}
          value={state}
          onChange={(v) => {
            setState(v);
            setOffset(0);
          }}
          clearable
        />
        <Pager offset={offset} size={PAGE} count={list.data?.length ?? 0} onChange={setOffset} />
      </Group>
      <Problem error={list.error} />
      <Table striped aria-label="Requests">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cardholder</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Profile</Table.Th>
            <Table.Th>Failure</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <Anchor component={Link} to={`/requests/${r.id}`}>
                  {r.cardholderName}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge color={stateColor(r.state)}>{r.state}</Badge>
              </Table.Td>
              <Table.Td>{new Date(r.stateChangedAt).toLocaleString()}</Table.Td>
              <Table.Td>{r.profileId}</Table.Td>
              <Table.Td>{r.failure ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Page>
  );
}
