// The record a sync keeps, in MAAS's terms:
// - interfaces carry MAAS's types only. A netdev with no NIC port of its own ("vf", "other") is a
//   physical interface marked virtual (dropped at release), as MAAS stores it; that it is an SR-IOV
//   VF, and of which port, moves to `sriov_pf`. Relations become a `parents` list (bond and bridge
//   members, a VLAN's lower device) and MAAS's interface tags get a column (`sriov`).
// - a history entry names the classes its sync left alone because the payload did not report them.
// - a Deployed machine no longer says it is waiting for its first report, and a machine no
//   hardware report reached (no hash) has no last_sync: deploying no longer sets it.
export const version = 3;
export const name = "sync-record";
export const sql = `
ALTER TABLE interfaces ADD COLUMN parents text[] NOT NULL DEFAULT '{}';
ALTER TABLE interfaces ADD COLUMN sriov_pf text;
ALTER TABLE interfaces ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
UPDATE interfaces SET sriov_pf = parent_name WHERE type = 'vf';
UPDATE interfaces SET parents = ARRAY[parent_name] WHERE type = 'vlan' AND parent_name IS NOT NULL;
UPDATE interfaces
   SET parents = ARRAY(SELECT jsonb_array_elements_text(details -> 'members') ORDER BY 1),
       details = details - 'members'
 WHERE type IN ('bond', 'bridge') AND jsonb_typeof(details -> 'members') = 'array';
UPDATE interfaces SET type = 'physical', is_virtual = true WHERE type IN ('vf', 'other');
UPDATE interfaces SET type = 'unknown' WHERE type NOT IN ('physical', 'bond', 'bridge', 'vlan', 'alias');
UPDATE interfaces SET tags = ARRAY['sriov'] WHERE type = 'physical' AND sriov_max_vf > 0;
ALTER TABLE interfaces DROP COLUMN parent_name;
ALTER TABLE interfaces ADD CONSTRAINT interfaces_maas_type
  CHECK (type IN ('physical', 'bond', 'bridge', 'vlan', 'alias', 'unknown'));

ALTER TABLE hardware_syncs ADD COLUMN not_reported jsonb NOT NULL DEFAULT '[]';

UPDATE machines SET status_message = 'Deployed' WHERE status = 6 AND status_message LIKE 'Deploying:%';
UPDATE machines SET last_sync = NULL WHERE hardware_hash IS NULL AND last_sync IS NOT NULL;
`;
