-- Completion reports, one row per (request_id, update_type): the unique key records a repeated
-- report once however many replicas receive it (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE completions (
  request_id      text        NOT NULL,
  update_type     text        NOT NULL,
  received_at     timestamptz NOT NULL,
  product         text        NOT NULL,
  issued_at       timestamptz NOT NULL,
  -- The canonical spelling; reported_version keeps the client's text when it differs.
  version         text        NOT NULL,
  reported_version text,
  status          text        NOT NULL CHECK (status IN ('success', 'failed')),
  failure_code    text,
  reason          text,
  hash_function   text,
  hash_value      text,
  size            bigint,
  -- A pseudonymous key of the reporting installation, when the request id carries one.
  installation    text,
  CONSTRAINT completions_key PRIMARY KEY (request_id, update_type),
  CONSTRAINT completions_failure CHECK ((status = 'failed') = (failure_code IS NOT NULL))
);

-- Statistics over a time window, and retention's bounded deletes of the oldest rows.
CREATE INDEX completions_received_at ON completions (received_at);

-- The automatic halt's figures for one release: distinct reporters by installation or request id.
CREATE INDEX completions_release
  ON completions (product, update_type, version, (coalesce(installation, request_id)));

-- Halts and resumes of releases, shared by every replica.
CREATE TABLE halt_events (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL,
  product     text        NOT NULL,
  update_type text        NOT NULL,
  version     text        NOT NULL,
  halted      boolean     NOT NULL,
  actor       text        NOT NULL,
  detail      text
);
