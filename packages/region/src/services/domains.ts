import type { Db } from "../db/db.ts";
import { type DomainRow, getDomain, listDomains } from "../db/domains.ts";
import { regionError } from "../errors.ts";

// Domains, read-only: this region serves no DNS, so the default "maas" is the only one
// (docs/maas-compatibility.md#machine-object).

export { listDomains };

export async function findDomain(db: Db, id: number): Promise<DomainRow> {
  const row = Number.isInteger(id) ? await getDomain(db, id) : null;
  if (!row) throw regionError("HWS_NOT_FOUND", { model: "Domain" });
  return row;
}
