import { Anchor, Badge, Progress, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { followEvents } from '../api/event-stream';
import type { CardProgress } from '../api/views';

export const stateColor = (s: string): string =>
  s === 'issued' || s === 'active'
    ? 'green'
    : s.startsWith('failed') || s === 'cancelled'
      ? 'red'
      : s === 'personalising'
        ? 'blue'
        : 'gray';

type Follow = { batch: string } | { request: string };

/**
 * The cards of a batch (or one request), live: the API's progress stream (server-sent events)
 * sends a snapshot, then every step and state change, and ends when nothing moves by itself.
 */
export function LiveProgress({ follow }: { follow: Follow }) {
  const [cards, setCards] = useState<Map<string, CardProgress>>(new Map());
  const [status, setStatus] = useState<'following' | 'ended' | string>('following');
  const key = 'batch' in follow ? `batch=${follow.batch}` : `request=${follow.request}`;
  useEffect(() => {
    const ctl = new AbortController();
    const update = (id: string, f: (c: CardProgress) => CardProgress) =>
      setCards((m) => {
        const c = m.get(id);
        return c ? new Map(m).set(id, f(c)) : m;
      });
    followEvents(
      `/api/v1/personalisation/progress?${key}`,
      (event, data) => {
        const d = data as Record<string, unknown>;
        if (event === 'snapshot') setCards(new Map((d.cards as CardProgress[]).map((c) => [c.requestId, c])));
        else if (event === 'state') update(String(d.requestId), (c) => ({ ...c, state: String(d.state) }));
        else if (event === 'step')
          update(String(d.requestId), (c) => ({
            ...c,
            stepsDone: Number(d.done),
            stepsTotal: (d.total as number | null) ?? c.stepsTotal,
            lastStep: String(d.step),
            serial: (d.serial as string | null) ?? c.serial,
          }));
      },
      ctl.signal,
    )
      .then(() => setStatus('ended'))
      .catch((e: unknown) => !ctl.signal.aborted && setStatus(`stream lost: ${(e as Error).message}`));
    return () => ctl.abort();
  }, [key]);
  return (
    <>
      <Text size="sm" aria-live="polite">
        {status === 'following' ? 'Following live…' : status === 'ended' ? 'Every card has finished.' : status}
      </Text>
      <Table aria-label="Cards in progress">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cardholder</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Card serial</Table.Th>
            <Table.Th>Steps</Table.Th>
            <Table.Th>Last step</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...cards.values()].map((c) => (
            <Table.Tr key={c.requestId} data-request={c.requestId}>
              <Table.Td>
                <Anchor component={Link} to={`/requests/${c.requestId}`}>
                  {c.cardholder}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge color={stateColor(c.state)} data-testid="card-state">
                  {c.state}
                </Badge>
                {c.failure && <Text size="xs">{c.failure}</Text>}
              </Table.Td>
              <Table.Td>{c.serial ?? '—'}</Table.Td>
              <Table.Td w={200}>
                <Progress
                  value={c.state === 'issued' || c.state === 'active' ? 100 : c.stepsTotal ? (100 * c.stepsDone) / c.stepsTotal : 0}
                  aria-label={`${c.stepsDone} of ${c.stepsTotal ?? '?'} steps`}
                />
              </Table.Td>
              <Table.Td>{c.lastStep ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
