import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'requests',
    title: 'Requests',
    nav: 'Officer',
    roles: ['security-officer', 'help-desk', 'auditor'],
    load: () => import('./RequestsScreen'),
  },
  { path: 'requests/:id', title: 'Request', roles: ['security-officer', 'help-desk', 'auditor'], load: () => import('./RequestScreen') },
];
