/**
 * The grid as a tree (district > street > community > building > corridor), each level loaded
 * when opened, so a district of 5,000 corridors costs a request per opened area, not one for all.
 * Retired areas stay listed, marked, with their history.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { useLoad } from '../../ui/hooks';
import { RiskBadge, type RiskSettings } from '../../ui/risk-badge';

export type AreaKind = 'district' | 'street' | 'community' | 'building' | 'corridor';
export interface AreaRow {
  id: string;
  kind: AreaKind;
  parentId: string | null;
  communityId: string | null;
  name: string;
  controlStatus: string;
  riskColour: string;
  retiredAt: string | null;
}

export const kindLabel = (kind: AreaKind): string => t(`areaKind_${kind}` as MessageKey);

/** The district(s) the grid hangs from: none before the grid file is imported. */
export async function loadDistricts(): Promise<AreaRow[]> {
  return (await api<{ areas: AreaRow[] }>('/api/areas')).areas;
}

interface NodeProps {
  area: AreaRow;
  selectedId: string | null;
  onSelect: (area: AreaRow) => void;
  /** Bumped after a change: open levels load again. */
  version: number;
  risk: RiskSettings | null;
}

function AreaNode({ area, selectedId, onSelect, version, risk }: NodeProps) {
  const [open, setOpen] = useState(area.kind === 'district');
  const children = useLoad(open ? `${area.id}:${version}` : null, () => api<{ children: AreaRow[] }>(`/api/areas/${area.id}?includeRetired=true`).then((r) => r.children));
  const selected = area.id === selectedId;
  return (
    <li data-area-id={area.id} data-kind={area.kind}>
      <div class="tree-row">
        {area.kind !== 'corridor' && (
          <button type="button" class="secondary tree-toggle" aria-expanded={open} aria-label={t(open ? 'areaCollapse' : 'areaExpand', { name: area.name })} onClick={() => setOpen(!open)}>
            {open ? '−' : '+'}
          </button>
        )}
        <button type="button" class={selected ? 'row-button active' : 'row-button'} aria-pressed={selected} onClick={() => onSelect(area)}>
          <span>{area.name}</span>
          <small>
            {kindLabel(area.kind)}
            {area.retiredAt && <span class="tag">{t('areaRetired')}</span>}
          </small>
        </button>
      </div>
      {!area.retiredAt && <RiskBadge settings={risk} area={area} />}
      {open && children.loading && !children.data && <p class="muted">{t('loading')}</p>}
      {open && children.data && children.data.length > 0 && (
        <ul class="list tree">
          {children.data.map((c) => (
            <AreaNode key={c.id} area={c} selectedId={selectedId} onSelect={onSelect} version={version} risk={risk} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function AreaTree({ districts, ...rest }: Omit<NodeProps, 'area'> & { districts: AreaRow[] }) {
  if (districts.length === 0) return <p class="muted">{t('gridEmpty')}</p>;
  return (
    <ul class="list tree tree-root" aria-label={t('gridTitle')}>
      {districts.map((d) => (
        <AreaNode key={d.id} area={d} {...rest} />
      ))}
    </ul>
  );
}
