// Shapes of the region's WebSocket and REST answers as this UI reads them. WebSocket machines
// differ from REST ones (shared's MachineJson): timestamps are "Tue, 24 Nov. 2026 15:55:01" in
// UTC and "" when null, and the hw-sync keys are absent while enable_hw_sync is false
// (docs/maas-compatibility.md#websocket).

export interface WsMachine {
  system_id: string;
  hostname: string;
  fqdn?: string;
  status: number;
  status_name: string;
  osystem?: string;
  distro_series?: string;
  owner?: string | null;
  architecture?: string;
  enable_hw_sync?: boolean;
  last_sync?: string;
  next_sync?: string;
  sync_interval?: number | null;
  is_sync_healthy?: boolean;
  [key: string]: unknown;
}

export interface ConfigItem {
  name: string;
  value: unknown;
  choices?: unknown;
}

export interface Notification {
  type: 2;
  name: string;
  action: "create" | "update" | "delete";
  data: unknown;
}

export interface DeployExtra {
  osystem: string;
  distro_series: string;
  enable_hw_sync: boolean;
  sync_interval?: number;
}

/** `op=hardware`: stored hardware; sections are read loosely because the UI renders any columns. */
export interface MachineHardware {
  cpu?: Record<string, unknown> | null;
  memory?: Record<string, unknown> | null;
  system?: Record<string, unknown> | null;
  block_devices?: Record<string, unknown>[];
  interfaces?: Record<string, unknown>[];
  pci_devices?: Record<string, unknown>[];
  usb_devices?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface HardwareChange {
  kind: string;
  action: "added" | "removed" | "updated";
  name: string;
  details?: Record<string, unknown> | null;
}

/** A class a sync kept as stored because the machine did not report it. */
export interface NotReported {
  kind: string;
  section: string;
  reason: "null" | "absent" | "collector_error";
  collector?: string | null;
  code?: string | null;
  message?: string | null;
}

export interface HardwareHistoryEntry {
  sync_id: number;
  created: string;
  content_hash?: string | null;
  changes: HardwareChange[];
  not_reported?: NotReported[];
}

export interface RegionEvent {
  id: number;
  level: string;
  created: string;
  type: string;
  description: string;
  username?: string | null;
}
