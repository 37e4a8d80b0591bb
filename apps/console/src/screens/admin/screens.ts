import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  { path: 'users', title: 'Users and roles', nav: 'Admin', roles: ['admin', 'auditor'], load: () => import('./UsersScreen') },
];
