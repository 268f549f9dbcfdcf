/** What the admin webhook API answers (src/contracts/webhooks.contract.ts), as the page reads it. */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  secretHint: string;
  pendingCount: number;
}

export interface Delivery {
  id: string;
  eventType: string;
  status: 'pending' | 'delivered';
  attempts: number;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: string;
}

export const WEBHOOKS_PATH = '/api/admin/webhooks';
/** Set by the server on an endpoint an admin switched off (src/store/webhook.repository.ts). */
export const BY_ADMIN = 'disabled by an admin';
