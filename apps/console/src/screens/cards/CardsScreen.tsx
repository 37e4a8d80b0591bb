import { Anchor, Badge, Group, Select, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { CardSummary } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Problem } from '../../components/Problem';

const PAGE = 50;
const STATES = [
  'blank',
  'personalising',
  'issued',
  'active',
  'suspended',
  'lost',
  'stolen',
  'damaged',
  'replaced',
  'spoiled',
  'terminated',
  'expired',
];

export default function CardsScreen() {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [state, setState] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: ['cards', q, state, offset],
    queryFn: () =>
      call<CardSummary[]>(() =>
        api.GET('/api/v1/cards', { params: { query: { q: q || undefined, state: (state ?? undefined) as never, limit: PAGE, offset } } }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <Page title="Cards">
      <Group justify="space-between">
        <Group>
          <TextInput
            aria-label="Search cards"
            placeholder="Serial or cardholder"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              setOffset(0);
            }}
            w={300}
          />
          <Select
            aria-label="Card state"
            placeholder="Any state"
            data={STATES}
            value={state}
            onChange={(v) => {
              setState(v);
              setOffset(0);
            }}
            clearable
          />
        </Group>
        <Pager offset={offset} size={PAGE} count={list.data?.length ?? 0} onChange={setOffset} />
      </Group>
      <Problem error={list.error} />
      <Table striped aria-label="Cards">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Serial</Table.Th>
            <Table.Th>Cardholder</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Since</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/cards/${c.id}`}>
                  {c.serial ?? c.id.slice(0, 8)}
                </Anchor>
              </Table.Td>
              <Table.Td>{c.cardholderName ?? '—'}</Table.Td>
              <Table.Td>
                <Badge color={stateColor(c.state)}>{c.state}</Badge>
              </Table.Td>
              <Table.Td>{new Date(c.stateChangedAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Page>
  );
}
