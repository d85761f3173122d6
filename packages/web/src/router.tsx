import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

// A dozen lines of History API instead of a router package: four routes do not need one, and
// the region's SPA fallback (serve.ts) makes every path below the base load index.html.
const BASE = import.meta.env.BASE_URL;

export type Route =
  | { name: "machines"; unhealthyOnly: boolean }
  | { name: "machine"; systemId: string }
  | { name: "settings" }
  | { name: "not-found" };

/** Maps a path below the base ("machine/abc123", "settings", "?unhealthy=1") to a route. */
export function matchRoute(path: string, search: string): Route {
  const clean = path.replace(/^\/+|\/+$/g, "");
  if (clean === "" || clean === "machines") {
    return { name: "machines", unhealthyOnly: new URLSearchParams(search).get("unhealthy") === "1" };
  }
  const machine = /^machine\/([^/]+)$/.exec(clean);
  if (machine?.[1]) return { name: "machine", systemId: decodeURIComponent(machine[1]) };
  if (clean === "settings") return { name: "settings" };
  return { name: "not-found" };
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  return () => window.removeEventListener("popstate", listener);
}

const currentHref = () => window.location.pathname + window.location.search;

export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, window.location.origin);
  const below = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : "";
  return matchRoute(below, url.search);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const href = BASE + to.replace(/^\//, "");
  if (options.replace) window.history.replaceState(null, "", href);
  else window.history.pushState(null, "", href);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser handle new-tab and download gestures.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to.replace(/^\//, "")} onClick={handleClick} {...rest} />;
}
