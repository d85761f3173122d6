import { useCallback, useEffect, useState } from "react";
import { RegionSocket, regionSocketUrl } from "./api/region-socket.ts";
import { login, logout } from "./api/rest.ts";
import { useRegion } from "./hooks.ts";
import { LoginPage } from "./pages/login-page.tsx";
import { MachinePage } from "./pages/machine-page.tsx";
import { MachinesPage } from "./pages/machines-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { SettingsPage } from "./pages/settings-page.tsx";
import { Link, type Route, useRoute } from "./router.tsx";
import { RegionContext } from "./state/region-context.tsx";
import { RegionStore } from "./state/region-store.ts";

type Session =
  | { state: "checking" }
  | { state: "anonymous"; notice?: string }
  | { state: "in"; store: RegionStore };

// The browser hides the WebSocket handshake's status, so "can we open /MAAS/ws" is the session
// check: it succeeds exactly when the sessionid cookie is valid and the region is up.
async function openSession(): Promise<RegionStore> {
  const socket = new RegionSocket({ url: regionSocketUrl(window.location) });
  await socket.connect();
  const store = new RegionStore(socket);
  store.start();
  return store;
}

export function App() {
  const [session, setSession] = useState<Session>({ state: "checking" });

  useEffect(() => {
    let current = true;
    openSession().then(
      (store) => (current ? setSession({ state: "in", store }) : store.socket.close()),
      () => current && setSession({ state: "anonymous" }),
    );
    return () => {
      current = false;
    };
  }, []);

  const handleLogin = useCallback(async (username: string, password: string) => {
    await login(username, password);
    try {
      setSession({ state: "in", store: await openSession() });
    } catch {
      throw new Error("The region accepted the login but refused the live connection (/MAAS/ws). Try again.");
    }
  }, []);

  const handleLogout = useCallback(async () => {
    if (session.state === "in") {
      session.store.stop();
      session.store.socket.close();
    }
    await logout().catch(() => undefined);
    setSession({ state: "anonymous", notice: "You are logged out." });
  }, [session]);

  if (session.state === "checking") return <p className="muted boot">Connecting to the region…</p>;
  if (session.state === "anonymous") return <LoginPage onLogin={handleLogin} notice={session.notice} />;
  return (
    <RegionContext.Provider value={session.store}>
      <Shell onLogout={handleLogout} />
    </RegionContext.Provider>
  );
}

function Shell({ onLogout }: { onLogout: () => void }) {
  const route = useRoute();
  const { connection, config } = useRegion();
  const name = typeof config.maas_name === "string" && config.maas_name ? config.maas_name : "hwsync";
  const current = (names: Route["name"][]) => (names.includes(route.name) ? "page" : undefined);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">{name}</span>
        <nav aria-label="Main">
          <Link to="machines" aria-current={current(["machines", "machine"])}>
            Machines
          </Link>
          <Link to="settings" aria-current={current(["settings"])}>
            Settings
          </Link>
        </nav>
        <span className={`connection connection-${connection}`} role="status">
          {connection === "open" ? "Live" : connection === "reconnecting" ? "Reconnecting…" : "Offline"}
        </span>
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "machines":
      return <MachinesPage unhealthyOnly={route.unhealthyOnly} />;
    case "machine":
      return <MachinePage systemId={route.systemId} />;
    case "settings":
      return <SettingsPage />;
    case "not-found":
      return <NotFoundPage />;
  }
}
