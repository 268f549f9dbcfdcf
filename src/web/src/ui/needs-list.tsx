/** A household's needs with their status (medical details are never shown here); a food package names its cycle by its dates. */
import { t, type MessageKey } from '../i18n';
import { cycleLabel, reasonLabel } from './labels';

export interface NeedRow {
  id: string;
  kind: string;
  status: string;
  cycle?: string | null;
  failureReason: string | null;
  updatedAt: string;
}

export function NeedsList({ needs, label }: { needs: NeedRow[]; label: string }) {
  if (needs.length === 0) return <p class="muted">{t('noNeeds')}</p>;
  return (
    <ul class="list" aria-label={label}>
      {needs.map((n) => (
        <li key={n.id} class="row" data-need-id={n.id}>
          <span>
            {t(`kind_${n.kind}` as MessageKey)}
            {n.cycle && <small class="muted"> · {t('needForCycle', { dates: cycleLabel(n.cycle) })}</small>}
          </span>
          <span class={`status status-${n.status}`} data-testid="need-status">
            {t(`status_${n.status}` as MessageKey)}
          </span>
          {n.failureReason && <small class="muted">{reasonLabel(n.failureReason)}</small>}
        </li>
      ))}
    </ul>
  );
}
