// The whole core schema. Column names are the contract between the region's modules
// (docs/architecture.md); later changes go in new migrations, never here.
export const version = 1;
export const name = "core";
export const sql = `
CREATE TABLE users (
  id serial PRIMARY KEY,
  username text UNIQUE NOT NULL,
  email text,
  password_hash text,
  is_superuser boolean NOT NULL DEFAULT false,
  created timestamptz DEFAULT now()
);

CREATE TABLE machines (
  id serial PRIMARY KEY,
  system_id text UNIQUE NOT NULL,
  hostname text UNIQUE NOT NULL,
  status int NOT NULL,
  architecture text NOT NULL DEFAULT 'amd64/generic',
  osystem text NOT NULL DEFAULT '',
  distro_series text NOT NULL DEFAULT '',
  owner_id int REFERENCES users ON DELETE SET NULL,
  power_type text NOT NULL DEFAULT 'manual',
  enable_hw_sync boolean NOT NULL DEFAULT false,
  sync_interval int,
  last_sync timestamptz,
  hardware_hash text,
  cpu_count int NOT NULL DEFAULT 0,
  cpu_model text,
  cpu_speed int NOT NULL DEFAULT 0,
  memory int NOT NULL DEFAULT 0,
  hardware_uuid text,
  system_info jsonb NOT NULL DEFAULT '{}',
  user_data text,
  status_message text,
  created timestamptz DEFAULT now(),
  updated timestamptz DEFAULT now(),
  -- Kept by the trigger below: the moment a hw-sync machine turns unhealthy
  -- (last_sync + 1.5 x sync_interval), so "sync_unhealthy" is an indexed range query.
  sync_deadline timestamptz
);
CREATE INDEX machines_status_idx ON machines (status);
CREATE INDEX machines_owner_idx ON machines (owner_id);
CREATE INDEX machines_hw_sync_last_sync_idx ON machines (last_sync) WHERE enable_hw_sync;
CREATE INDEX machines_hw_sync_deadline_idx ON machines (sync_deadline) WHERE enable_hw_sync;

CREATE FUNCTION machines_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sync_deadline := CASE
    WHEN NEW.enable_hw_sync AND NEW.last_sync IS NOT NULL AND NEW.sync_interval > 0
    THEN NEW.last_sync + NEW.sync_interval * interval '1.5 seconds'
  END;
  NEW.updated := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER machines_before_write BEFORE INSERT OR UPDATE ON machines
  FOR EACH ROW EXECUTE FUNCTION machines_before_write();

CREATE TABLE api_tokens (
  id serial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('user', 'machine')),
  name text,
  consumer_key text NOT NULL,
  token_key text UNIQUE NOT NULL,
  token_secret text NOT NULL,
  user_id int REFERENCES users ON DELETE CASCADE,
  machine_id int REFERENCES machines ON DELETE CASCADE,
  created timestamptz DEFAULT now()
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
CREATE INDEX api_tokens_machine_idx ON api_tokens (machine_id);

CREATE UNLOGGED TABLE oauth_nonces (
  token_key text,
  nonce text,
  created timestamptz DEFAULT now(),
  PRIMARY KEY (token_key, nonce)
);
CREATE INDEX oauth_nonces_created_idx ON oauth_nonces (created);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id int NOT NULL REFERENCES users ON DELETE CASCADE,
  created timestamptz NOT NULL DEFAULT now(),
  expires timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires);

CREATE TABLE config (
  name text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE block_devices (
  id serial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  name text NOT NULL,
  identity text NOT NULL,
  serial text,
  model text,
  id_path text,
  size bigint NOT NULL DEFAULT 0,
  block_size int NOT NULL DEFAULT 512,
  type text,
  rpm int,
  firmware_version text,
  numa_node int,
  tags text[] NOT NULL DEFAULT '{}',
  is_virtual boolean NOT NULL DEFAULT false,
  details jsonb NOT NULL DEFAULT '{}',
  UNIQUE (machine_id, identity)
);

CREATE TABLE interfaces (
  id serial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  name text NOT NULL,
  mac_address text,
  type text NOT NULL,
  is_virtual boolean NOT NULL DEFAULT false,
  parent_name text,
  vendor text,
  product text,
  driver text,
  pci_address text,
  link_speed int,
  interface_speed int,
  link_connected boolean NOT NULL DEFAULT false,
  sriov_max_vf int NOT NULL DEFAULT 0,
  numa_node int,
  details jsonb NOT NULL DEFAULT '{}',
  UNIQUE (machine_id, name)
);
CREATE INDEX interfaces_mac_idx ON interfaces (mac_address);

CREATE TABLE pci_devices (
  id serial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  pci_address text NOT NULL,
  vendor_id text NOT NULL,
  product_id text NOT NULL,
  vendor text,
  product text,
  driver text,
  numa_node int,
  iommu_group int,
  hardware_type text NOT NULL DEFAULT 'node',
  is_virtual boolean NOT NULL DEFAULT false,
  details jsonb NOT NULL DEFAULT '{}',
  UNIQUE (machine_id, pci_address)
);

CREATE TABLE usb_devices (
  id serial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  bus_address int NOT NULL,
  device_address int NOT NULL,
  vendor_id text NOT NULL,
  product_id text NOT NULL,
  vendor text,
  product text,
  driver text,
  speed real,
  details jsonb NOT NULL DEFAULT '{}',
  UNIQUE (machine_id, bus_address, device_address)
);

CREATE TABLE hardware_syncs (
  id bigserial PRIMARY KEY,
  machine_id int NOT NULL REFERENCES machines ON DELETE CASCADE,
  created timestamptz NOT NULL,
  content_hash text,
  changes jsonb NOT NULL
);
CREATE INDEX hardware_syncs_machine_idx ON hardware_syncs (machine_id, id DESC);

CREATE TABLE events (
  id bigserial PRIMARY KEY,
  machine_id int REFERENCES machines ON DELETE SET NULL,
  system_id text,
  hostname text,
  username text,
  type text NOT NULL,
  level text NOT NULL DEFAULT 'INFO',
  description text NOT NULL,
  created timestamptz NOT NULL
);
CREATE INDEX events_machine_idx ON events (machine_id, id DESC);

CREATE TABLE tags (
  id serial PRIMARY KEY,
  name text UNIQUE NOT NULL,
  definition text,
  comment text
);

CREATE TABLE machine_tags (
  machine_id int REFERENCES machines ON DELETE CASCADE,
  tag_id int REFERENCES tags ON DELETE CASCADE,
  PRIMARY KEY (machine_id, tag_id)
);
CREATE INDEX machine_tags_tag_idx ON machine_tags (tag_id);
`;
