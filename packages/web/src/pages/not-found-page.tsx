import { useDocumentTitle } from "../hooks.ts";
import { Link } from "../router.tsx";

export function NotFoundPage() {
  useDocumentTitle("Not found");
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This address is not part of the UI. Go to the <Link to="machines">machine list</Link>.
      </p>
    </>
  );
}
