/**
 * A photo taken at the gate (a failed door, or the handoff), from the phone's camera: JPEG, PNG or
 * WebP up to 5 MB, checked here before it is sent (the server checks the bytes again, against its
 * own GATE_PHOTO_MAX_BYTES). Sent at once: a photo needs the network, unlike a tick.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { FormError } from './form';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];
/** The server's default GATE_PHOTO_MAX_BYTES; a larger one is refused there anyway. */
const MAX_BYTES = 5 * 1024 * 1024;

interface Props {
  corridorId: string;
  stopId: string;
  /** The failed door's household; none: a photo of the handoff. */
  householdId?: string;
  label: string;
  onDone: () => void;
}

export function GatePhoto({ corridorId, stopId, householdId, label, onDone }: Props) {
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `photo-${stopId}-${householdId ?? 'handoff'}`;
  async function send(input: HTMLInputElement) {
    const file = input.files?.[0];
    setError(null);
    setProblem(null);
    if (!file) return;
    if (!TYPES.includes(file.type)) return setProblem(t('photoType'));
    if (file.size > MAX_BYTES) return setProblem(t('photoSize', { mb: MAX_BYTES / 1024 / 1024 }));
    setBusy(true);
    try {
      await api(`/api/corridors/${corridorId}/deliveries/${stopId}/photos${householdId ? `?householdId=${householdId}` : ''}`, { raw: { body: file, type: file.type } });
      input.value = '';
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="gate-photo">
      <label for={id}>{label}</label>
      <input id={id} type="file" accept={TYPES.join(',')} capture="environment" disabled={busy} onChange={(e) => void send(e.currentTarget)} data-testid="gate-photo-input" />
      {problem && <p class="error" role="alert">{problem}</p>}
      <FormError error={error} />
    </div>
  );
}
