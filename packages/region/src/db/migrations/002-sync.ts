// Hardware sync's own tables. `script_results` keeps what the real-MAAS wire (`op=signal`)
// uploaded, one row per (machine, script), overwritten by each run as MAAS overwrites the
// current commissioning result. `machine_bmc` holds power parameters reported passively by a
// signal; they can hold secrets, so they never appear in events or history, only key names do.
export const version = 2;
export const name = "sync";
export const sql = `
CREATE TABLE script_results (
  id serial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',
  exit_status int,
  runtime double precision,
  script_version_id int,
  stdout bytea,
  stderr bytea,
  output bytea,
  result bytea,
  updated timestamptz NOT NULL DEFAULT now(),
  UNIQUE (machine_id, name)
);

CREATE TABLE machine_bmc (
  machine_id int PRIMARY KEY REFERENCES machines ON DELETE CASCADE,
  power_parameters jsonb NOT NULL DEFAULT '{}',
  updated timestamptz NOT NULL
);
`;
