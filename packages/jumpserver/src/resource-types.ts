/**
 * The shapes of the JumpServer objects the typed helpers return (v3/v4 serializers; older versions send fewer
 * fields). Every interface keeps an index signature: JumpServer adds fields between versions.
 *
 * @packageDocumentation
 */

/** A `{ value, label }` choice as JumpServer serialises enums (category, type, status, risk level). */
export interface JumpServerChoice<V = string> {
  /** The stable value. */
  value: V;
  /** The display label (translated). */
  label: string;
}

/** A user (`/api/v1/users/users/`). */
export interface JumpServerUserRecord {
  id: string;
  name: string;
  username: string;
  email?: string;
  is_active?: boolean;
  [field: string]: unknown;
}

/** A user group (`/api/v1/users/groups/`). */
export interface UserGroup {
  id: string;
  name: string;
  users?: unknown[];
  comment?: string;
  [field: string]: unknown;
}

/** The asset categories, each with its own endpoint (`hosts`, `databases`, …). */
export type AssetCategory = 'host' | 'device' | 'database' | 'web' | 'cloud' | 'custom' | 'gpt' | 'ds';

/** An asset (`/api/v1/assets/assets/` and the category endpoints). */
export interface Asset {
  id: string;
  name: string;
  address: string;
  platform: { id: number; name: string };
  category?: JumpServerChoice<AssetCategory>;
  type?: JumpServerChoice;
  protocols?: Array<{ name: string; port: number }>;
  nodes?: unknown[];
  is_active?: boolean;
  org_id?: string;
  org_name?: string;
  [field: string]: unknown;
}

/** What creating an asset needs: a name, an address and a platform (id or name). */
export interface AssetInput {
  name: string;
  address: string;
  platform: number | string;
  protocols?: Array<{ name: string; port: number }>;
  nodes?: string[];
  comment?: string;
  [field: string]: unknown;
}

/** A node of the asset tree (`/api/v1/assets/nodes/`). */
export interface AssetNode {
  id: string;
  key: string;
  value: string;
  full_value?: string;
  [field: string]: unknown;
}

/** An account on an asset (`/api/v1/accounts/accounts/`); its secret is write-only. */
export interface Account {
  id: string;
  name: string;
  username: string;
  asset: { id: string; name: string; address: string };
  secret_type?: JumpServerChoice;
  privileged?: boolean;
  is_active?: boolean;
  [field: string]: unknown;
}

/** What creating an account needs. */
export interface AccountInput {
  asset: string;
  username: string;
  name?: string;
  secret_type?: 'password' | 'ssh_key' | 'access_key' | 'token' | 'api_key';
  /** Written, never read back. */
  secret?: string;
  privileged?: boolean;
  [field: string]: unknown;
}

/** A platform (`/api/v1/assets/platforms/`); ids are integers. */
export interface Platform {
  id: number;
  name: string;
  category?: JumpServerChoice;
  type?: JumpServerChoice;
  [field: string]: unknown;
}

/** An asset permission (`/api/v1/perms/asset-permissions/`). */
export interface AssetPermission {
  id: string;
  name: string;
  users?: unknown[];
  user_groups?: unknown[];
  assets?: unknown[];
  nodes?: unknown[];
  /** `['@ALL']`, `['@SPEC', 'root']`, account names… */
  accounts?: string[];
  protocols?: string[];
  actions?: unknown[];
  is_active?: boolean;
  date_start?: string;
  date_expired?: string;
  [field: string]: unknown;
}

/** A session record (`/api/v1/terminal/sessions/`). */
export interface SessionRecord {
  id: string;
  user: string;
  asset: string;
  account: string;
  protocol: string;
  remote_addr?: string;
  is_finished?: boolean;
  date_start?: string;
  date_end?: string | null;
  [field: string]: unknown;
}

/** A command record (`/api/v1/terminal/commands/`). */
export interface CommandRecord {
  id: string;
  user: string;
  asset: string;
  account: string;
  input: string;
  output?: string;
  risk_level?: JumpServerChoice<number>;
  session: string;
  timestamp: number;
  [field: string]: unknown;
}

/** A login log (`/api/v1/audits/login-logs/`). */
export interface LoginLog {
  id: string;
  username: string;
  ip: string;
  status: JumpServerChoice<boolean> | boolean;
  reason?: string;
  datetime: string;
  [field: string]: unknown;
}

/** A connection token (`/api/v1/authentication/connection-token/`). */
export interface ConnectionToken {
  id: string;
  /** The one-time value a client presents; treat it as a secret. */
  value: string;
  asset: string;
  account: string;
  protocol: string;
  connect_method: string;
  /** Seconds until it expires. */
  expire_time?: number;
  date_expired?: string;
  [field: string]: unknown;
}

/** What creating a connection token needs. */
export interface ConnectionTokenInput {
  /** The asset id. */
  asset: string;
  /** The account name (or `@INPUT`, `@USER`…). */
  account: string;
  /** `ssh`, `rdp`, `mysql`… */
  protocol: string;
  /** `web_cli`, `ssh_client`, `db_client`, `mstsc`…; default `web_cli` on the server. */
  connect_method?: string;
  input_username?: string;
  /** Written, never read back. */
  input_secret?: string;
  [field: string]: unknown;
}
