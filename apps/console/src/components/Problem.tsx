import { Alert } from '@mantine/core';
import { ApiProblem } from '../api/client';

/** An error from the API (or the network) as the user sees it: the API's own words and code. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiProblem ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" title="Refused" role="alert">
      {text}
    </Alert>
  );
}
