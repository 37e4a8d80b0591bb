import { Badge, Code, Select, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import type { TemporaryCardView } from './views';

const STATES = ['issued', 'active', 'revoked', 'expired'] as const;

/** Temporary cards (VSCs made from a reported card's escrow) with the host serving each and its expiry. */
export default function TemporaryCardsScreen() {
  const [state, setState] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['temporary-cards', state],
    queryFn: () =>
      call<TemporaryCardView[]>(() =>
        api.GET('/api/v1/temporary-cards', { params: { query: { state: (state ?? undefined) as (typeof STATES)[number] | undefined } } }),
      ),
    refetchInterval: 5000,
  });
  return (
    <Page title="Temporary cards">
      <Select label="State" placeholder="Any state" data={[...STATES]} value={state} onChange={setState} clearable w={220} />
      <Problem error={list.error} />
      <Table striped aria-label="Temporary cards">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Temporary card</Table.Th>
            <Table.Th>Cardholder</Table.Th>
            <Table.Th>Replaces</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>
                <Code>{t.label}</Code>
              </Table.Td>
              <Table.Td>{t.cardholder}</Table.Td>
              <Table.Td>{t.serial}</Table.Td>
              <Table.Td>
                <Badge color={stateColor(t.state)}>{t.state}</Badge> {t.closeReason}
              </Table.Td>
              <Table.Td>
                {t.host.name} (workstation {t.host.workstation})
              </Table.Td>
              <Table.Td>{new Date(t.expiresAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.length === 0 && <Text>No temporary card.</Text>}
    </Page>
  );
}
