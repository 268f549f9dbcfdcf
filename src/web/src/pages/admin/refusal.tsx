/**
 * What the API refused and why, in its own words (the problem document's detail: "the area still
 * holds 2 area(s) in use under it", "1 problem(s) in the file"); field errors and faults go to
 * the shared form banner.
 */
import { ApiError } from '../../api';
import { t } from '../../i18n';
import { FormError } from '../../ui/form';

export function Refusal({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.errors.length === 0) {
    return (
      <p class="banner banner-error" role="alert">
        {t('refusedBecause', { detail: error.detail ?? error.title })}
      </p>
    );
  }
  return <FormError error={error} />;
}
