import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { Problem } from '../../components/Problem';
import { useSession } from '../../session/session';

/** An administrator set this user's password: the API allows nothing else until it is changed. */
export function ChangePasswordScreen() {
  const { refresh, logout } = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>();
  return (
    <Center mih="100vh" component="main">
      <Paper withBorder p="xl" w={420} shadow="sm">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (newPassword !== repeat) return setError(new Error('the two new passwords differ'));
            setError(undefined);
            call(() => api.POST('/api/v1/users/me/password', { body: { currentPassword, newPassword } }))
              .then(refresh)
              .catch(setError);
          }}
        >
          <Stack>
            <Title order={1} size="h2">
              Choose a new password
            </Title>
            <Text size="sm">An administrator set your password. Choose your own before you continue.</Text>
            <PasswordInput
              label="Current password"
              value={currentPassword}
              onChange={(e) => setCurrent(e.currentTarget.value)}
              required
              withAsterisk={false}
            />
            <PasswordInput
              label="New password"
              value={newPassword}
              onChange={(e) => setNew(e.currentTarget.value)}
              required
              withAsterisk={false}
            />
            <PasswordInput
              label="New password again"
              value={repeat}
              onChange={(e) => setRepeat(e.currentTarget.value)}
              required
              withAsterisk={false}
            />
            <Problem error={error} />
            <Button type="submit">Change password</Button>
            <Button variant="subtle" onClick={() => void logout()}>
              Log out
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
