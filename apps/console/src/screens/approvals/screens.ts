import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'approvals',
    title: 'Approvals',
    nav: 'Officer',
    roles: ['security-officer', 'admin', 'help-desk'],
    load: () => import('./ApprovalsScreen'),
  },
];
