/**
 * The map's legend: every colour it draws, named in the reader's language: risk levels (fill),
 * control statuses (outline colour and dash), each trip's route colour by vehicle, and the marks
 * for gates, depots, stops, direction and vehicles. Swatch colours are set through the DOM (CSSOM),
 * which the CSP allows.
 */
import { t } from '../../i18n';
import { labelOf, statusDash, type RiskSettings } from '../risk-badge';
import type { MapRoute } from './map-layers';

const dashClass = (risk: RiskSettings | null, code: string): string => {
  const dash = statusDash(risk, code);
  return dash === undefined ? 'swatch-solid' : dash.startsWith('2') ? 'swatch-dotted' : 'swatch-dashed';
};

export function MapLegend({ risk, routes }: { risk: RiskSettings | null; routes: MapRoute[] }) {
  return (
    <div class="map-legend" data-testid="map-legend">
      <h3 class="visually-hidden">{t('legend')}</h3>
      <ul class="legend-list" aria-label={t('riskLevel')}>
        {risk?.riskLevels.map((l) => (
          <li key={l.code} data-legend-risk={l.code} data-colour={l.colour}>
            <span class="swatch swatch-fill" style={{ '--swatch': l.colour }} /> {labelOf(l, l.code)}
          </li>
        ))}
      </ul>
      <ul class="legend-list" aria-label={t('riskStatus')}>
        {risk?.controlStatuses.map((s) => (
          <li key={s.code} data-legend-status={s.code} data-colour={s.colour}>
            <span class={`swatch swatch-line ${dashClass(risk, s.code)}`} style={{ '--swatch': s.colour }} /> {labelOf(s, s.code)}
          </li>
        ))}
      </ul>
      <ul class="legend-list" aria-label={t('mapMarks')}>
        <li><span class="swatch swatch-gate" /> {t('mapGate')}</li>
        <li><span class="swatch map-depot" /> {t('depot')}</li>
        <li><span class="swatch map-stop">1</span> {t('mapStop')}</li>
        <li><span class="swatch swatch-arrow" /> {t('mapDirection')}</li>
        <li><span class="swatch swatch-vehicle" /> {t('mapVehicle')}</li>
      </ul>
      {routes.length > 0 && (
        <ul class="legend-list" aria-label={t('mapRoutes')}>
          {routes.map((r) => (
            <li key={r.id} data-colour={r.colour}>
              <span class="swatch swatch-route" style={{ '--swatch': r.colour }} /> {r.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
