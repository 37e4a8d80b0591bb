import { Button, Card, Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { CardholderView, IssuanceAccepted } from '../../api/views';
import { LiveProgress } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';

/** Issue one card or a batch: choose active cardholders, request, then watch every card live. */
export default function IssueScreen() {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  const [accepted, setAccepted] = useState<IssuanceAccepted | undefined>();
  const holders = useQuery({
    queryKey: ['cardholders', q, 'issue'],
    queryFn: () => call<CardholderView[]>(() => api.GET('/api/v1/cardholders', { params: { query: { q: q || undefined, limit: 25 } } })),
    placeholderData: keepPreviousData,
  });
  const issue = useMutation({
    mutationFn: () => {
      const requests = [...chosen.keys()].map((cardholder) => ({ cardholder }));
      return call<IssuanceAccepted>(() => api.POST('/api/v1/issuance-batches', { body: { requests } }));
    },
    onSuccess: (r) => {
      setAccepted(r);
      setChosen(new Map());
    },
  });
  const toggle = (c: CardholderView) =>
    setChosen((m) => {
      const n = new Map(m);
      if (n.has(c.id)) n.delete(c.id);
      else n.set(c.id, c.name);
      return n;
    });
  return (
    <Page title="Issue cards">
      <Card withBorder>
        <Stack>
          <TextInput
            aria-label="Search cardholders to issue to"
            placeholder="Search cardholders"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={380}
          />
          <Problem error={holders.error} />
          <Table aria-label="Cardholders to issue to">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Issue</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>UPN</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {holders.data?.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Issue a card to ${c.name}`}
                      checked={chosen.has(c.id)}
                      disabled={c.status !== 'active'}
                      onChange={() => toggle(c)}
                    />
                  </Table.Td>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>{c.upn ?? '—'}</Table.Td>
                  <Table.Td>{c.status}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group>
            <Button disabled={chosen.size === 0} loading={issue.isPending} onClick={() => issue.mutate()}>
              Issue {chosen.size || ''} card{chosen.size === 1 ? '' : 's'}
            </Button>
            <Text size="sm">{[...chosen.values()].join(', ')}</Text>
          </Group>
          <Problem error={issue.error} />
        </Stack>
      </Card>
      {accepted?.batchId && (
        <Card withBorder>
          <Title order={3} size="h4">
            Batch {accepted.batchId.slice(0, 8)}: {accepted.size} card(s)
          </Title>
          <Text size="sm">Insert blank cards into the readers of an approved workstation.</Text>
          <LiveProgress follow={{ batch: accepted.batchId }} />
        </Card>
      )}
    </Page>
  );
}
