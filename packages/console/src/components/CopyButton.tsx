import { useState } from 'react';

/**
 * Copies `text` to the clipboard and says so. Where the browser refuses (no permission, not a
 * secure context), it says that instead, so the person selects and copies the text by hand.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  const copy = () => {
    // absent outside a secure context (plain http), whatever the DOM types say
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      setSaid('Copying is not available here: select the text and copy it.');
      return;
    }
    clipboard.writeText(text).then(
      () => setSaid('Copied.'),
      () => setSaid('Could not copy: select the text and copy it.'),
    );
  };
  return (
    <span className="copy">
      <button type="button" className="button-secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {said}
      </span>
    </span>
  );
}
