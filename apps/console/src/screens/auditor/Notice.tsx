import { Alert, type AlertProps } from '@mantine/core';

/** A coloured alert whose title stays dark: Mantine's light green and yellow titles fail WCAG AA contrast. */
export function Notice(props: AlertProps & { 'data-testid'?: string }) {
  return <Alert {...props} styles={{ title: { color: 'var(--mantine-color-dark-8)' } }} />;
}
