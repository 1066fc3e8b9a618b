/**
 * The database's schema (audit trail and bulk jobs), one step per entry; `PRAGMA user_version`
 * counts the steps done. Append, never edit: a database made by an older console is brought up to date at start.
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
  // Bulk fail jobs (issue 4): the job, one row per ticket (hash and tail only), and the job's id
  // on each ticket's audit record.
  `ALTER TABLE audit_events ADD COLUMN job_id TEXT;
   CREATE TABLE bulk_jobs (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     finished_at TEXT,
     operator TEXT NOT NULL,
     email TEXT,
     service_id TEXT NOT NULL,
     service_name TEXT,
     status TEXT NOT NULL,
     total INTEGER NOT NULL,
     concurrency INTEGER NOT NULL,
     reason TEXT,
     error_description TEXT,
     error_uri TEXT,
     justification TEXT
   );
   CREATE TABLE bulk_items (
     job_id TEXT NOT NULL REFERENCES bulk_jobs (id),
     seq INTEGER NOT NULL,
     ticket_hash TEXT NOT NULL,
     ticket_tail TEXT NOT NULL,
     reason TEXT NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     result_code TEXT,
     action TEXT,
     upstream_status INTEGER,
     error TEXT,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (job_id, seq)
   );
   CREATE INDEX bulk_items_state ON bulk_items (job_id, state);`,
];
