/**
 * Starting a round (which area, which kind) and following it: its status and planning progress,
 * then approve, re-plan the unlocked stops, dispatch.
 */
import { ROUND_KINDS } from '../../../../contracts/kinds';
import { t, type MessageKey } from '../../i18n';
import { Field, FormError } from '../../ui/form';

export interface Round { id: string; status: string; progress: number; failureReason: string | null; subproblems: { total: number; solved: number } }

interface Props {
  areas: { id: string; name: string }[];
  areaId: string;
  kind: string;
  round: Round | null;
  error: unknown;
  onPick: (change: { areaId?: string; kind?: string }) => void;
  /** POST to a round path (start, approve, re-plan, dispatch). */
  onAct: (path: string, body?: unknown) => void;
}

export function RoundPanel({ areas, areaId, kind, round, error, onPick, onAct }: Props) {
  return (
    <section class="card">
      <h2>{t('startRound')}</h2>
      <form onSubmit={(e) => (e.preventDefault(), onAct('/api/rounds', { areaId, kind, timeLimitMs: 2000 }))}>
        <Field id="round-area" label={t('area')}>
          <select id="round-area" value={areaId} onChange={(e) => onPick({ areaId: e.currentTarget.value })}>
            {areas.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="round-kind" label={t('roundKind')}>
          <select id="round-kind" value={kind} onChange={(e) => onPick({ kind: e.currentTarget.value })}>
            {ROUND_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`round_${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <FormError error={error} />
        <button type="submit" disabled={round?.status === 'draft' || round?.status === 'planning'}>
          {t('startRound')}
        </button>
      </form>
      {round && (
        <div class="round-state" data-testid="round-state">
          <p role="status" data-round-status={round.status} data-round-id={round.id}>
            {t('roundStatus', { status: t(`rstatus_${round.status}` as MessageKey) })}
          </p>
          <label for="round-progress">{t('progress')}: {round.progress}%</label>
          <progress id="round-progress" max={100} value={round.progress} />
          {round.failureReason && <p class="error">{round.failureReason}</p>}
          <div class="actions">
            <button type="button" disabled={round.status !== 'proposed'} onClick={() => onAct(`/api/rounds/${round.id}/approve`)}>
              {t('approveRound')}
            </button>
            <button type="button" class="secondary" disabled={round.status !== 'proposed'} onClick={() => onAct(`/api/rounds/${round.id}/replan`)}>
              {t('replan')}
            </button>
            <button type="button" disabled={round.status !== 'approved'} onClick={() => onAct(`/api/rounds/${round.id}/dispatch`)}>
              {t('dispatchRound')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
