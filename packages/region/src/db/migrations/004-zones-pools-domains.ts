// The objects a MAAS machine refers to (docs/maas-compatibility.md#machine-object): physical
// zones, resource pools and DNS domains, each with the default one MAAS always has (zone
// "default", pool 0 "default", domain 0 "maas"), and the machine columns that point at them.
// Tags gain MAAS's kernel_opts. A machine's agent_name and description are MAAS fields the list
// filters and the machine object carry.
export const version = 4;
export const name = "zones-pools-domains";
export const sql = `
CREATE TABLE zones (
  id serial PRIMARY KEY,
  name text UNIQUE NOT NULL,
  description text NOT NULL DEFAULT ''
);
INSERT INTO zones (id, name, description) VALUES (1, 'default', '');
SELECT setval(pg_get_serial_sequence('zones', 'id'), 1);

CREATE TABLE resource_pools (
  id serial PRIMARY KEY,
  name text UNIQUE NOT NULL,
  description text NOT NULL DEFAULT ''
);
INSERT INTO resource_pools (id, name, description) VALUES (0, 'default', 'Default pool');
SELECT setval(pg_get_serial_sequence('resource_pools', 'id'), 1, false);

CREATE TABLE domains (
  id serial PRIMARY KEY,
  name text UNIQUE NOT NULL,
  authoritative boolean NOT NULL DEFAULT true,
  ttl int
);
INSERT INTO domains (id, name) VALUES (0, 'maas');
SELECT setval(pg_get_serial_sequence('domains', 'id'), 1, false);

ALTER TABLE machines
  ADD COLUMN zone_id int NOT NULL DEFAULT 1 REFERENCES zones,
  ADD COLUMN pool_id int NOT NULL DEFAULT 0 REFERENCES resource_pools,
  ADD COLUMN domain_id int NOT NULL DEFAULT 0 REFERENCES domains,
  ADD COLUMN agent_name text NOT NULL DEFAULT '',
  ADD COLUMN description text NOT NULL DEFAULT '';
CREATE INDEX machines_zone_idx ON machines (zone_id);
CREATE INDEX machines_pool_idx ON machines (pool_id);

ALTER TABLE tags ADD COLUMN kernel_opts text;
`;
