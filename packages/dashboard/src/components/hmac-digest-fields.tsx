import type { SelectHTMLAttributes } from 'preact';
import { FormField } from './form-field.tsx';

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { id: string };

/** The algorithm and encoding of an HMAC scheme: endpoints sign, and sources verify, the same ways. */
export function HmacDigestFields({ algorithm, encoding }: { algorithm: SelectProps; encoding: SelectProps }) {
  return (
    <>
      <FormField id={algorithm.id} label="Algorithm">
        <select {...algorithm}>
          <option value="sha256">sha256</option>
          <option value="sha512">sha512</option>
          <option value="sha1">sha1</option>
        </select>
      </FormField>
      <FormField id={encoding.id} label="Encoding">
        <select {...encoding}>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
      </FormField>
    </>
  );
}
