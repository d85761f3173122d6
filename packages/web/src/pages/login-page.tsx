import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useDocumentTitle } from "../hooks.ts";

export function LoginPage({
  onLogin,
  notice,
}: {
  onLogin: (username: string, password: string) => Promise<void>;
  notice?: string;
}) {
  useDocumentTitle("Log in");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { user: useId(), password: useId(), error: useId() };
  const userRef = useRef<HTMLInputElement>(null);
  useEffect(() => userRef.current?.focus(), []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await onLogin(String(form.get("username") ?? ""), String(form.get("password") ?? ""));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form onSubmit={submit} className="card stack" aria-describedby={error ? ids.error : undefined}>
        <h1>Log in to hwsync</h1>
        {notice && <p className="hint">{notice}</p>}
        <div className="field">
          <label htmlFor={ids.user}>Username</label>
          <input ref={userRef} id={ids.user} name="username" autoComplete="username" required />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input id={ids.password} name="password" type="password" autoComplete="current-password" required />
        </div>
        {error && (
          <p id={ids.error} className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
