/**
 * Loaded first in every sandboxed solve child (`--import`, see runtime.ts): the watch on the parent
 * worker starts before the processor and its hundreds of modules load (parent-watchdog.ts).
 */
import { watchParent } from './parent-watchdog';

watchParent();
