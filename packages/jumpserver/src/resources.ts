/**
 * Thin typed helpers over {@link JumpServerClient} for what automation does most: users and groups, assets
 * (by category), nodes, accounts, platforms, permissions, sessions and command records, login logs, and
 * connection tokens.
 *
 * @packageDocumentation
 */
import type { JumpServerClient, QueryParams } from './client.js';
import { JumpServerResponseError } from './errors.js';
import { normalizeBaseUrl } from './lib/http.js';
import type {
  Account, AccountInput, Asset, AssetCategory, AssetInput, AssetNode, AssetPermission, CommandRecord,
  ConnectionToken, ConnectionTokenInput, JumpServerUserRecord, LoginLog, Platform, SessionRecord, UserGroup,
} from './resource-types.js';

/** Options of a call on a collection. */
export interface CollectionCallOptions {
  /** The organisation for this call (default the client's). */
  org?: string | undefined;
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link ReadOnlyCollection.list}. */
export interface ListOptions extends CollectionCallOptions {
  /** Page size; default 100. */
  limit?: number | undefined;
  /** Stop after this many items. */
  maxItems?: number | undefined;
}

/**
 * An object id as a path segment: a UUID, an integer (platforms), or another id without `/`, `?`, `#`, `%` or
 * dot segments, so an id can never point the request at another path.
 */
function idSegment(id: string | number): string {
  const text = String(id);
  if (text === '' || text === '.' || text === '..' || /[/?#%\\\s]/.test(text) || text.length > 128) {
    throw new TypeError('An object id must be a UUID, an integer or a plain word');
  }
  return encodeURIComponent(text);
}

/** A list endpoint that can only be read (sessions, command records, login logs). */
export class ReadOnlyCollection<T> {
  /** The client used. */
  protected readonly client: JumpServerClient;
  /** The list path, with its trailing slash. */
  readonly path: string;

  /**
   * @param client - the client.
   * @param path - the list path, e.g. `/api/v1/terminal/sessions/`.
   */
  constructor(client: JumpServerClient, path: string) {
    this.client = client;
    this.path = path;
  }

  /**
   * Iterate over the objects, page by page.
   *
   * @param query - filters (e.g. `{ q: 'web' }` — `search` before JumpServer 4.10.13 —, `{ username: 'ops' }`).
   * @param options - page size, item limit, organisation.
   * @returns the objects.
   * @throws JumpServerError as {@link JumpServerClient.request}.
   */
  async *list(query: QueryParams = {}, options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
    let count = 0;
    const max = options.maxItems ?? Number.POSITIVE_INFINITY;
    if (count >= max) return;
    const limit = Math.min(options.limit ?? 100, Number.isFinite(max) ? max : Number.POSITIVE_INFINITY);
    for await (const item of this.client.paginate<T>(this.path, { limit, query, org: options.org, signal: options.signal })) {
      yield item;
      if (++count >= max) return;
    }
  }

  /**
   * Every object matching `query`, in one array (use {@link ReadOnlyCollection.list} for big lists).
   *
   * @param query - filters.
   * @param options - page size, item limit, organisation.
   * @returns the objects.
   * @throws JumpServerError as {@link JumpServerClient.request}.
   */
  async all(query: QueryParams = {}, options: ListOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.list(query, options)) out.push(item);
    return out;
  }

  /**
   * One object by id.
   *
   * @param id - its id.
   * @param options - organisation, abort signal.
   * @returns the object.
   * @throws TypeError for an id that is not a plain id; JumpServerHttpError (404) when it does not exist here.
   */
  get(id: string | number, options: CollectionCallOptions = {}): Promise<T> {
    return this.client.get<T>(`${this.path}${idSegment(id)}/`, options);
  }
}

/** A list endpoint with create, update (PATCH) and delete. */
export class Collection<T, I = Partial<T>> extends ReadOnlyCollection<T> {
  /**
   * Create an object.
   *
   * @param input - its fields.
   * @param options - organisation, abort signal.
   * @returns the created object.
   * @throws JumpServerHttpError (400) with the field errors in `detail`.
   */
  create(input: I, options: CollectionCallOptions = {}): Promise<T> {
    return this.client.post<T>(this.path, input, options);
  }

  /**
   * Change some fields of an object (PATCH).
   *
   * @param id - its id.
   * @param changes - the fields to change.
   * @param options - organisation, abort signal.
   * @returns the object after the change.
   * @throws TypeError for a bad id; JumpServerError as {@link JumpServerClient.request}.
   */
  update(id: string | number, changes: Partial<I>, options: CollectionCallOptions = {}): Promise<T> {
    return this.client.patch<T>(`${this.path}${idSegment(id)}/`, changes, options);
  }

  /**
   * Delete an object.
   *
   * @param id - its id.
   * @param options - organisation, abort signal.
   * @returns once deleted.
   * @throws TypeError for a bad id; JumpServerError as {@link JumpServerClient.request}.
   */
  async delete(id: string | number, options: CollectionCallOptions = {}): Promise<void> {
    await this.client.delete(`${this.path}${idSegment(id)}/`, options);
  }
}

const CATEGORY_PATHS: Readonly<Record<AssetCategory, string>> = {
  host: 'hosts', device: 'devices', database: 'databases', web: 'webs', cloud: 'clouds', custom: 'customs', gpt: 'gpts', ds: 'directories',
};

/** Assets: every category through `/api/v1/assets/assets/`, one category through its own endpoint. */
export class AssetCollection extends Collection<Asset, AssetInput> {
  /**
   * The assets of one category, through its endpoint (`/api/v1/assets/hosts/`, `databases/`, …), where
   * creating an asset sets its category.
   *
   * @param category - `host`, `device`, `database`, `web`, `cloud`, `custom`, `gpt` or `ds`.
   * @returns the collection of that category.
   * @throws TypeError for an unknown category.
   */
  category(category: AssetCategory): Collection<Asset, AssetInput> {
    const word = CATEGORY_PATHS[category];
    if (word === undefined) throw new TypeError(`Unknown asset category (${Object.keys(CATEGORY_PATHS).join(', ')})`);
    return new Collection<Asset, AssetInput>(this.client, `/api/v1/assets/${word}/`);
  }
}

/** The database protocols JumpServer's web GUI (`web_gui`) opens in Chen rather than Lion. */
const CHEN_PROTOCOLS = ['mysql', 'mariadb', 'postgresql', 'oracle', 'sqlserver', 'db2', 'dameng', 'clickhouse'];

/** Which web component serves a connect method: Koko (terminal, SFTP), Lion (remote desktop) or Chen (databases). */
export type WebComponent = 'koko' | 'lion' | 'chen';

/** Connection tokens: create one for an asset and account, then get the URL a browser or JumpServer client opens. */
export class ConnectionTokenCollection extends Collection<ConnectionToken, ConnectionTokenInput> {
  /**
   * The browser URL of a token with a web connect method, as JumpServer's web front end (Luna) builds it:
   * `web_cli`/`web_sftp` → `/koko/connect?token=<id>`, `web_gui` → `/lion/connect?token=<id>` (or
   * `/chen/connect?token=<id>` for a database protocol). No request is made.
   *
   * @param token - the token (its `id`, `connect_method` and `protocol`).
   * @param options - `endpoint`: where the components are served when not at the client's base URL (a
   *   JumpServer "endpoint"); `component` to override the choice.
   * @returns the URL. It names the token id, which opens a session until the token expires: treat it as a secret.
   * @throws TypeError for a connect method that is not a web one (use {@link ConnectionTokenCollection.clientUrl}).
   */
  webUrl(
    token: Pick<ConnectionToken, 'id' | 'connect_method' | 'protocol'>,
    options: { endpoint?: string | undefined; component?: WebComponent | undefined } = {},
  ): string {
    let component = options.component;
    if (component === undefined) {
      if (token.connect_method === 'web_cli' || token.connect_method === 'web_sftp') component = 'koko';
      else if (token.connect_method === 'web_gui') component = CHEN_PROTOCOLS.includes(token.protocol) ? 'chen' : 'lion';
      else throw new TypeError(`${String(token.connect_method)} is not a web connect method: use clientUrl()`);
    }
    const base = normalizeBaseUrl(options.endpoint ?? this.client.baseUrl);
    return `${base}/${component}/connect?${new URLSearchParams({ token: idSegment(token.id) }).toString()}`;
  }

  /**
   * The `jms://…` URL that JumpServer's desktop client opens for a token (`client-url` action). Only client
   * connect methods have one (`ssh_client`, `db_client`, `mstsc`…); a web method answers 400.
   *
   * @param id - the token id.
   * @param options - organisation, abort signal.
   * @returns the URL. It carries the token value: treat it as a secret.
   * @throws JumpServerHttpError (400) for a connect method without a client; JumpServerResponseError when the answer has no URL.
   */
  async clientUrl(id: string, options: CollectionCallOptions = {}): Promise<string> {
    const answer = await this.client.get<{ url?: unknown }>(`${this.path}${idSegment(id)}/client-url/`, options);
    if (answer === null || typeof answer !== 'object' || typeof answer.url !== 'string' || !answer.url.startsWith('jms://')) {
      throw new JumpServerResponseError('The client-url answer has no jms:// URL.', { method: 'GET', path: `${this.path}…/client-url/` });
    }
    return answer.url;
  }
}

/** What creating a user needs (JumpServer mails a password-setting link when no password is given). */
export type UserInput = Partial<JumpServerUserRecord> & { name: string; username: string; password?: string };

/** The typed helpers of one client. */
export interface JumpServerResources {
  /** `/api/v1/users/users/`. */
  readonly users: Collection<JumpServerUserRecord, UserInput>;
  /** `/api/v1/users/groups/`. */
  readonly userGroups: Collection<UserGroup>;
  /** `/api/v1/assets/assets/`, and `.category('database')` etc. */
  readonly assets: AssetCollection;
  /** `/api/v1/assets/nodes/`. */
  readonly nodes: Collection<AssetNode>;
  /** `/api/v1/accounts/accounts/`. */
  readonly accounts: Collection<Account, AccountInput>;
  /** `/api/v1/assets/platforms/`. */
  readonly platforms: Collection<Platform>;
  /** `/api/v1/perms/asset-permissions/`. */
  readonly assetPermissions: Collection<AssetPermission>;
  /** `/api/v1/terminal/sessions/` (read only). */
  readonly sessions: ReadOnlyCollection<SessionRecord>;
  /** `/api/v1/terminal/commands/` (read only). */
  readonly commands: ReadOnlyCollection<CommandRecord>;
  /** `/api/v1/audits/login-logs/` (read only). */
  readonly loginLogs: ReadOnlyCollection<LoginLog>;
  /** `/api/v1/authentication/connection-token/`. */
  readonly connectionTokens: ConnectionTokenCollection;
}

/**
 * Typed helpers over a client. They add no behaviour of their own: paths, organisation, retries, errors and
 * pagination are the client's.
 *
 * @param client - the client.
 * @returns the collections.
 * @example
 * ```ts
 * const jms = resources(client)
 * for await (const asset of jms.assets.category('database').list({ q: 'prod' })) {
 *   const token = await jms.connectionTokens.create({ asset: asset.id, account: 'root', protocol: 'mysql', connect_method: 'db_client' })
 *   console.log(asset.name, await jms.connectionTokens.clientUrl(token.id))   // jms://…
 * }
 * ```
 */
export function resources(client: JumpServerClient): JumpServerResources {
  return Object.freeze({
    users: new Collection<JumpServerUserRecord, UserInput>(client, '/api/v1/users/users/'),
    userGroups: new Collection<UserGroup>(client, '/api/v1/users/groups/'),
    assets: new AssetCollection(client, '/api/v1/assets/assets/'),
    nodes: new Collection<AssetNode>(client, '/api/v1/assets/nodes/'),
    accounts: new Collection<Account, AccountInput>(client, '/api/v1/accounts/accounts/'),
    platforms: new Collection<Platform>(client, '/api/v1/assets/platforms/'),
    assetPermissions: new Collection<AssetPermission>(client, '/api/v1/perms/asset-permissions/'),
    sessions: new ReadOnlyCollection<SessionRecord>(client, '/api/v1/terminal/sessions/'),
    commands: new ReadOnlyCollection<CommandRecord>(client, '/api/v1/terminal/commands/'),
    loginLogs: new ReadOnlyCollection<LoginLog>(client, '/api/v1/audits/login-logs/'),
    connectionTokens: new ConnectionTokenCollection(client, '/api/v1/authentication/connection-token/'),
  });
}
