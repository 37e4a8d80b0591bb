import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'lost-card',
    title: 'Lost card',
    nav: 'Help desk',
    roles: ['help-desk', 'security-officer'],
    load: () => import('./LostCardScreen'),
  },
  {
    path: 'pin-sessions',
    title: 'Activation and PIN unblock',
    nav: 'Help desk',
    roles: ['help-desk', 'security-officer'],
    load: () => import('./SessionsScreen'),
  },
  {
    path: 'temporary-cards',
    title: 'Temporary cards',
    nav: 'Help desk',
    roles: ['help-desk', 'security-officer', 'auditor'],
    load: () => import('./TemporaryCardsScreen'),
  },
];
