import type { ScreenDef } from './screen';
import { screens as dashboard } from '../screens/dashboard/screens';
import { screens as readers } from '../screens/readers/screens';

/** Every screen of the console, in navigation order. A new screen folder adds one line here. */
export const registry: ScreenDef[] = [...dashboard, ...readers];

/** Navigation groups in display order. */
export const NAV_GROUPS = ['Officer', 'Help desk', 'Auditor', 'Admin'] as const;
