/**
 * The whole resource model of the platform (spec §1): later issues add
 * behaviour and columns, not a new data model. Times are epoch milliseconds.
 * JSON columns hold ordered or open-ended structures (environment, layers,
 * routing rules) that are read and written whole.
 */
export const sql = `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE credentials (
  secret_id  TEXT PRIMARY KEY,
  secret_key TEXT NOT NULL,
  uin        TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('root', 'sub')),
  policy     TEXT,                       -- JSON policy document for sub-users
  enabled    INTEGER NOT NULL DEFAULT 1,
  add_time   INTEGER NOT NULL
);

CREATE TABLE namespaces (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  type        TEXT NOT NULL DEFAULT 'default',
  add_time    INTEGER NOT NULL,
  mod_time    INTEGER NOT NULL
);

CREATE TABLE code_blobs (
  sha256        TEXT PRIMARY KEY,        -- of the zip bytes as uploaded
  zip_size      INTEGER NOT NULL,
  unpacked_size INTEGER NOT NULL,
  file_count    INTEGER NOT NULL,
  add_time      INTEGER NOT NULL
);

CREATE TABLE functions (
  id               INTEGER PRIMARY KEY,
  namespace        TEXT NOT NULL REFERENCES namespaces(name),
  name             TEXT NOT NULL,
  function_id      TEXT NOT NULL UNIQUE, -- public id, lam-xxxxxxxx
  type             TEXT NOT NULL CHECK (type IN ('Event', 'HTTP')),
  async_run_enable INTEGER NOT NULL DEFAULT 0,  -- fixed at creation
  next_version     INTEGER NOT NULL DEFAULT 1,  -- published numbers are never reused
  reserved_memory  INTEGER,                     -- MB; NULL = no reserved concurrency
  tags             TEXT NOT NULL DEFAULT '[]',
  add_time         INTEGER NOT NULL,
  mod_time         INTEGER NOT NULL,
  UNIQUE (namespace, name)
);

-- '$LATEST' is a row like any published version; only it is editable.
CREATE TABLE function_versions (
  function_id   INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
  version       TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  runtime       TEXT NOT NULL,
  handler       TEXT NOT NULL DEFAULT '',
  memory_size   INTEGER NOT NULL,
  timeout       INTEGER NOT NULL,
  init_timeout  INTEGER NOT NULL,
  environment   TEXT NOT NULL DEFAULT '[]',  -- [{Key, Value}] in caller order
  layers        TEXT NOT NULL DEFAULT '[]',  -- [{LayerName, LayerVersion}] in binding order
  options       TEXT NOT NULL DEFAULT '{}',  -- protocol, instance concurrency, retry config...
  code_sha256   TEXT REFERENCES code_blobs(sha256),
  status        TEXT NOT NULL DEFAULT 'Active',
  add_time      INTEGER NOT NULL,
  mod_time      INTEGER NOT NULL,
  PRIMARY KEY (function_id, version)
);

CREATE TABLE aliases (
  function_id      INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  function_version TEXT NOT NULL,
  routing_config   TEXT NOT NULL DEFAULT '{}',
  description      TEXT NOT NULL DEFAULT '',
  add_time         INTEGER NOT NULL,
  mod_time         INTEGER NOT NULL,
  PRIMARY KEY (function_id, name)
);

CREATE TABLE triggers (
  id              INTEGER PRIMARY KEY,
  function_id     INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
  qualifier       TEXT NOT NULL,
  type            TEXT NOT NULL,
  name            TEXT NOT NULL,
  trigger_desc    TEXT NOT NULL DEFAULT '',
  enabled         INTEGER NOT NULL DEFAULT 1,
  custom_argument TEXT NOT NULL DEFAULT '',
  description     TEXT NOT NULL DEFAULT '',
  add_time        INTEGER NOT NULL,
  mod_time        INTEGER NOT NULL,
  UNIQUE (function_id, type, name)
);

CREATE TABLE layers (
  name         TEXT PRIMARY KEY,
  next_version INTEGER NOT NULL DEFAULT 1,
  add_time     INTEGER NOT NULL
);

CREATE TABLE layer_versions (
  layer_name          TEXT NOT NULL REFERENCES layers(name) ON DELETE CASCADE,
  version             INTEGER NOT NULL,
  description         TEXT NOT NULL DEFAULT '',
  compatible_runtimes TEXT NOT NULL DEFAULT '[]',
  license_info        TEXT NOT NULL DEFAULT '',
  code_sha256         TEXT NOT NULL REFERENCES code_blobs(sha256),
  status              TEXT NOT NULL DEFAULT 'Active',
  add_time            INTEGER NOT NULL,
  PRIMARY KEY (layer_name, version)
);

CREATE TABLE provisioned_concurrency (
  function_id   INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
  qualifier     TEXT NOT NULL,
  target        INTEGER NOT NULL,
  options       TEXT NOT NULL DEFAULT '{}',  -- scheduled / dynamic settings
  mod_time      INTEGER NOT NULL,
  PRIMARY KEY (function_id, qualifier)
);
`;
