import type { Db } from "./db.ts";

// `domains` (migration 003): the DNS domains machines are named in. Domain 0 "maas" is the
// default; this region serves no DNS, so nothing else creates one.

export interface DomainRow {
  id: number;
  name: string;
  authoritative: boolean;
  ttl: number | null;
  /** Machines named in the domain (MAAS counts DNS records; each machine is one here). */
  machineCount: number;
}

export const DEFAULT_DOMAIN_ID = 0;

const SELECT = `SELECT d.id, d.name, d.authoritative, d.ttl,
       (SELECT count(*)::int FROM machines m WHERE m.domain_id = d.id) AS "machineCount"
  FROM domains d`;

export async function listDomains(db: Db): Promise<DomainRow[]> {
  const { rows } = await db.query<DomainRow>(`${SELECT} ORDER BY d.id`);
  return rows;
}

export async function getDomain(db: Db, id: number): Promise<DomainRow | null> {
  const { rows } = await db.query<DomainRow>(`${SELECT} WHERE d.id = $1`, [id]);
  return rows[0] ?? null;
}
