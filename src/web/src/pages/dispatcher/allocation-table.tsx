/** The allocation's explanation, next to the unserved list: only the lines where something was cut or replaced. */
import { t, type MessageKey } from '../../i18n';
import { itemLabel } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';
import type { Allocation } from './proposal.types';

const cutLabel = (code: string): string => t(`cut_${code.replace(/-/g, '_')}` as MessageKey);

export function AllocationTable({ allocation }: { allocation: Allocation }) {
  const cut = allocation.lines.filter((l) => l.substituted + l.leftOut + l.short > 0);
  return (
    <div data-testid="allocation">
      <h3>{t('allocation')}</h3>
      <p>
        {t('allocationBy', {
          method: t(`allocationMethod_${allocation.method}`), solver: allocation.solver, ms: allocation.elapsedMs,
          served: allocation.served, unserved: allocation.unserved, substituted: allocation.substituted,
        })}
      </p>
      {cut.length === 0 ? <p>{t('allocationAllServed')}</p> : (
        <TableFrame label={t('allocation')} heads={(['community', 'item', 'demand', 'allocated', 'substituted', 'leftOut', 'short', 'why'] as const).map((k) => t(k))}>
          {cut.map((l) => (
            <tr key={`${l.communityId}-${l.itemId}`}>
              <td title={l.communityId}>{l.communityName}</td>
              <td title={l.itemId}>{itemLabel(l.itemId, new Map([[l.itemId, l.itemName]]))}</td>
              <td>{l.demand}</td>
              <td>{l.allocated}</td>
              <td>{l.substituted}</td>
              <td>{l.leftOut}</td>
              <td>{l.short}</td>
              <td>{l.reasons.map(cutLabel).join('; ')}</td>
            </tr>
          ))}
        </TableFrame>
      )}
    </div>
  );
}
