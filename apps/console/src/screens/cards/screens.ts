import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'cards',
    title: 'Cards',
    nav: 'Officer',
    roles: ['security-officer', 'help-desk', 'auditor'],
    load: () => import('./CardsScreen'),
  },
  { path: 'cards/:id', title: 'Card', roles: ['security-officer', 'help-desk', 'auditor'], load: () => import('./CardScreen') },
];
