/**
 * Every table as Kysely sees it, in one type: repositories and transactions share one `Db`
 * (src/store/db.ts), so a transaction opened by one repository is handed to any other as it is.
 * Row types live by module under src/store/tables/.
 */
import type { Insertable, Selectable } from 'kysely';
import type { CoreTables as Core, AreasTable, HouseholdsTable, NeedsTable } from './tables/core';
import type { AccountTables, AuditTables, SessionTables } from './tables/accounts';
import type { EventTables } from './tables/events';
import type { EmergencyTables, PassTables, TransportTables } from './tables/passes';
import type { PlanTables, RoundTables } from './tables/rounds';
import type { StockTables } from './tables/stock';
import type { WebhookTables } from './tables/webhooks';
import type { ShiftTables } from './tables/shifts';
import type { HandoverTables } from './tables/handovers';

export type * from './tables/core';

export type Tables = Core & AccountTables & SessionTables & AuditTables & EventTables & PassTables & TransportTables & EmergencyTables & RoundTables & PlanTables & StockTables & WebhookTables & ShiftTables & HandoverTables;

export type AreaRow = Selectable<AreasTable>;
export type HouseholdRow = Selectable<HouseholdsTable>;
export type NeedRow = Selectable<NeedsTable>;
export type NewHousehold = Insertable<HouseholdsTable>;
