import { Text } from '@mantine/core';
import { Page } from '../components/Page';

export function NotFound() {
  return (
    <Page title="Not available">
      <Text>This page does not exist, or your roles do not include it.</Text>
    </Page>
  );
}
