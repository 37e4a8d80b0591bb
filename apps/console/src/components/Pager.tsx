import { Button, Group, Text } from '@mantine/core';

/** Previous / next over a server-side list (offset paging): `more` when the page came back full. */
export function Pager({ offset, size, count, onChange }: { offset: number; size: number; count: number; onChange(offset: number): void }) {
  return (
    <Group gap="xs">
      <Button variant="default" size="xs" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - size))}>
        Previous
      </Button>
      <Text size="sm">{count ? `${offset + 1}–${offset + count}` : 'none'}</Text>
      <Button variant="default" size="xs" disabled={count < size} onClick={() => onChange(offset + size)}>
        Next
      </Button>
    </Group>
  );
}
