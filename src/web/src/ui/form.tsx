/** Form pieces: a labelled field with its server error, and the form-level error banner. */
import type { ComponentChildren } from 'preact';
import { ApiError, NetworkError } from '../api';
import { t } from '../i18n';

let counter = 0;
/** Stable ids for label/input/error pairs. */
export function fieldId(name: string): string {
  counter += 1;
  return `f-${name}-${counter}`;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  children: ComponentChildren;
}

/** The input goes in `children` with `id` and `aria-describedby={id + '-err'}` when there is an error. */
export function Field({ id, label, error, children }: FieldProps) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      {children}
      {error && (
        <p class="error" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function errorProps(id: string, error: string | undefined) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-err` } : {};
}

/** What went wrong with a submission, for the banner above the buttons. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  let text: string;
  if (error instanceof NetworkError) text = t('errorNetwork');
  else if (error instanceof ApiError && error.errors.length > 0) text = `${t('fixFields')} (${error.detail ?? error.title})`;
  else text = t('errorGeneric', { message: error instanceof Error ? error.message : String(error) });
  return (
    <p class="banner banner-error" role="alert">
      {text}
    </p>
  );
}

/** The field error from the last submission, if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}
