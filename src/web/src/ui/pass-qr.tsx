/** The issued pass as a QR code (drawn locally with `qrcode`), for the checkpoint to scan. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';

export function PassQr({ code, person }: { code: string; person: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    // Loaded on demand: only a resident with an issued pass needs the encoder.
    import('qrcode')
      .then((QRCode) => QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 2, width: 280 }))
      .then(setSrc, () => setSrc(null));
  }, [code]);
  return (
    <figure class="pass-qr">
      {src && <img class="qr" src={src} width={280} height={280} alt={`${t('showPass')}: ${person}`} data-testid="pass-qr" />}
      <figcaption>{t('showPass')}</figcaption>
    </figure>
  );
}
