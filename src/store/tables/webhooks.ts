/** Row types of the outbound webhooks (migration 0025) as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';

export type WebhookEndpointsTable = {
  id: Generated<string>;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  enabled: Generated<boolean>;
  consecutive_failures: Generated<number>;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
};

export type WebhookDeliveriesTable = {
  /** bigserial: read as a string. */
  id: ColumnType<string, never, never>;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  status: Generated<'pending' | 'delivered'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  redelivery_of: string | null;
  created_at: Generated<Date>;
};

export type WebhookTables = {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
};
