import { readWorkstations, type Workstation } from '@scm/config';
import { testEnv } from './test-env';

/** The test workstations (their own pcscd instances and vpcd ports). */
export function testWorkstations(): Workstation[] {
  return readWorkstations(testEnv.SCM_STATE_DIR);
}
