/**
 * Accounts in bulk for an area of the grid: a unit chief per corridor (or per group of corridors)
 * and the staff each community lacks, in one action. The one-time passwords exist only in the
 * answer, so they are shown once, on screen or as the printable PDF sheet (a page per community),
 * never kept on the device. Run again, the action makes only what is missing.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { Field, errorProps, fieldError } from '../../ui/form';
import { useAction } from '../../ui/hooks';
import { kindLabel, type AreaRow } from './area-tree';
import { Refusal } from './refusal';

const BULK_PATH = '/api/admin/accounts/bulk';

interface Issued { userId: string; username: string; role: 'coordinator' | 'community_staff'; communityName: string; corridors: { id: string; name: string }[]; oneTimePassword: string }
interface BulkResult { areaName: string; created: { coordinators: number; staff: number }; corridorsAlreadyCovered: number; accounts: Issued[] }

function IssuedTable({ result }: { result: BulkResult }) {
  return (
    <div data-testid="bulk-result">
      <p class="banner banner-ok" role="status">
        {t('bulkCreated', { area: result.areaName, chiefs: result.created.coordinators, staff: result.created.staff, covered: result.corridorsAlreadyCovered })}
      </p>
      {result.accounts.length > 0 && (
        <>
          <p class="banner banner-warn">{t('bulkShownOnce')}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('bulkAccounts')}>
            <table>
              <caption class="visually-hidden">{t('bulkAccounts')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('username')}</th>
                  <th scope="col">{t('bulkRole')}</th>
                  <th scope="col">{t('community')}</th>
                  <th scope="col">{t('bulkCorridors')}</th>
                  <th scope="col">{t('bulkPassword')}</th>
                </tr>
              </thead>
              <tbody>
                {result.accounts.map((a) => (
                  <tr key={a.userId} data-username={a.username} data-role={a.role}>
                    <td>{a.username}</td>
                    <td>{t(`role_${a.role}` as MessageKey)}</td>
                    <td>{a.communityName}</td>
                    <td class="corridors">{a.corridors.map((c) => c.name).join(', ')}</td>
                    <td class="one-time-password">{a.oneTimePassword}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

export function BulkAccounts({ area }: { area: AreaRow | null }) {
  const [perChief, setPerChief] = useState(1);
  const [staff, setStaff] = useState(1);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [sheet, setSheet] = useState<{ url: string; name: string } | null>(null);
  // The sheet holds passwords: its object URL is released as soon as it is replaced or the page goes.
  useEffect(() => () => void (sheet && URL.revokeObjectURL(sheet.url)), [sheet]);

  const { busy, error, act: create } = useAction(async (target: AreaRow, asSheet: boolean) => {
    setResult(null);
    setSheet(null);
    const body = { areaId: target.id, corridorsPerChief: perChief, staffPerCommunity: staff };
    if (asSheet) setSheet({ url: URL.createObjectURL(await api<Blob>(BULK_PATH, { body, accept: 'application/pdf' })), name: `accounts-${target.name}.pdf` });
    else setResult(await api<BulkResult>(BULK_PATH, { body }));
  });
  if (!area || area.kind === 'corridor' || area.retiredAt) return <p class="muted">{t('bulkPickArea')}</p>;
  const target = area;

  const perChiefErr = fieldError(error, 'corridorsPerChief');
  const staffErr = fieldError(error, 'staffPerCommunity');
  return (
    <form onSubmit={(e) => (e.preventDefault(), void create(target, false))} aria-label={t('bulkAccounts')} data-area-id={target.id}>
      <p>{t('bulkFor', { name: target.name, kind: kindLabel(target.kind) })}</p>
      <div class="inline-form">
        <Field id="bulk-per-chief" label={t('bulkPerChief')} error={perChiefErr}>
          <input id="bulk-per-chief" type="number" min={1} max={50} value={perChief} onInput={(e) => setPerChief(Number(e.currentTarget.value))} {...errorProps('bulk-per-chief', perChiefErr)} />
        </Field>
        <Field id="bulk-staff" label={t('bulkStaff')} error={staffErr}>
          <input id="bulk-staff" type="number" min={0} max={20} value={staff} onInput={(e) => setStaff(Number(e.currentTarget.value))} {...errorProps('bulk-staff', staffErr)} />
        </Field>
      </div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('bulkCreate')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void create(target, true)}>
          {t('bulkCreateSheet')}
        </button>
      </div>
      {busy && <progress aria-label={t('sending')} />}
      <Refusal error={error} />
      {sheet && (
        <p class="banner banner-ok" role="status">
          <a href={sheet.url} download={sheet.name} data-testid="bulk-sheet">
            {t('bulkSheetDownload')}
          </a>
        </p>
      )}
      {result && <IssuedTable result={result} />}
    </form>
  );
}
