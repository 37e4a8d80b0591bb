import type { ScreenDef } from './screen';
import { screens as admin } from '../screens/admin/screens';
import { screens as approvals } from '../screens/approvals/screens';
import { screens as archive } from '../screens/archive/screens';
import { screens as auditor } from '../screens/auditor/screens';
import { screens as cardholders } from '../screens/cardholders/screens';
import { screens as cards } from '../screens/cards/screens';
import { screens as dashboard } from '../screens/dashboard/screens';
import { screens as helpdesk } from '../screens/helpdesk/screens';
import { screens as issue } from '../screens/issue/screens';
import { screens as readers } from '../screens/readers/screens';
import { screens as requests } from '../screens/requests/screens';

/** Every screen of the console, in navigation order. A new screen folder adds one line here. */
export const registry: ScreenDef[] = [
  ...dashboard,
  ...readers,
  ...cardholders,
  ...issue,
  ...requests,
  ...cards,
  ...approvals,
  ...archive,
  ...helpdesk,
  ...auditor,
  ...admin,
];

/** Navigation groups in display order. */
export const NAV_GROUPS = ['Officer', 'Help desk', 'Auditor', 'Admin'] as const;
