/**
 * Printed paper as plain links (GET, the session cookie goes along): the browser downloads the PDF
 * itself, so nothing is fetched into a blob: URL (the page's CSP refuses blob: sources in places)
 * and a big label sheet never sits in the page's memory. In the reader's language.
 */
import { lang, t } from '../i18n';

interface Props {
  path: string;
  query?: Record<string, string>;
  /** The file's name on the device (the server names it too, for an opened link). */
  file: string;
  label: string;
  /** What it is for a screen reader when the label alone is ambiguous ("Route sheet: Van 1, trip 2"). */
  describe?: string;
  testId: string;
}

export function PaperLink({ path, query = {}, file, label, describe, testId }: Props) {
  const href = `${path}?${new URLSearchParams({ ...query, lang: lang() }).toString()}`;
  return (
    <a class="button secondary" href={href} download={file} data-testid={testId} aria-label={describe ? `${label}: ${describe} (${t('pdf')})` : undefined}>
      {label}
    </a>
  );
}
