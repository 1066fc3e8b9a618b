/**
 * The audit database's schema, one step per entry; `PRAGMA user_version` counts the steps done.
 * Append, never edit: a database made by an older console is brought up to date at start.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     kind TEXT NOT NULL,
     outcome TEXT NOT NULL,
     operator TEXT NOT NULL,
     email TEXT,
     role TEXT,
     service_id TEXT,
     target TEXT,
     ticket_hash TEXT,
     ticket_tail TEXT,
     reason TEXT,
     error_description TEXT,
     error_uri TEXT,
     justification TEXT,
     result_code TEXT,
     action TEXT,
     upstream_status INTEGER,
     duration_ms INTEGER,
     request_id TEXT,
     detail TEXT
   );
   CREATE INDEX audit_events_at ON audit_events (at);
   CREATE INDEX audit_events_ticket ON audit_events (ticket_hash);
   CREATE INDEX audit_events_service ON audit_events (service_id, id);
   CREATE INDEX audit_events_operator ON audit_events (operator, id);`,
];
