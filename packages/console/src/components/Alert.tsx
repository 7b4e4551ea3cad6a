/** An error the user must hear now: role="alert" is announced as soon as it appears. */
export function Alert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="alert">
      {message}
    </div>
  );
}
