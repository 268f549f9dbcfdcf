/**
 * One medical pass as its holder reads it: who, the appointment, the state, how long it is valid,
 * the car legs with their times (pick-up from, at the hospital or home by) and, once issued, the
 * QR code for the checkpoint.
 */
import { codeText, t, type MessageKey } from '../i18n';
import { dateTime, timeOfDay } from './labels';
import { PassQr } from './pass-qr';

export interface PassLeg { leg: string; status: string; earliestPickup: string; latestDrop: string }
export interface PassRow { id: string; person: string; hospitalId?: string; status: string; appointmentAt: string; validFrom?: string | null; validUntil: string | null; code?: string | null; refusalReason?: string | null; transport?: PassLeg[] }

const SHOWN = ['issued', 'outbound_done', 'at_hospital', 'return_done', 'overdue'];

/** `hospital`: the hospital's name. */
export function PassCard({ pass: p, hospital }: { pass: PassRow; hospital?: string | undefined }) {
  return (
    <li class="pass" data-pass-status={p.status}>
      <p class="row">
        <span>
          {p.person} · {hospital ? `${hospital} · ` : ''}{t('appointmentAt', { time: dateTime(p.appointmentAt) })}
        </span>
        <strong class={`status status-${p.status}`}>{t('passState', { state: t(`pass_${p.status}` as MessageKey) })}</strong>
      </p>
      {p.validFrom && p.validUntil && <p class="muted">{t('passValid', { from: dateTime(p.validFrom), until: dateTime(p.validUntil) })}</p>}
      {p.refusalReason && <p class="error">{p.refusalReason}</p>}
      {(p.transport ?? []).length > 0 && (
        <ul class="list" data-testid="pass-legs">
          {(p.transport ?? []).map((l) => (
            <li key={l.leg} class="row">
              <span>{codeText(['leg_'], l.leg) ?? l.leg}: {t('legTimes', { from: timeOfDay(l.earliestPickup), until: timeOfDay(l.latestDrop) })}</span>
              <small>{codeText(['legStatus_'], l.status) ?? l.status}</small>
            </li>
          ))}
        </ul>
      )}
      {p.code && SHOWN.includes(p.status) && <PassQr code={p.code} person={p.person} />}
    </li>
  );
}
