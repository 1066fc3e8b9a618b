import { useQuery } from "@tanstack/react-query";
import type { AuditSink } from "../../../shared/audit-sinks";
import { RequestErrorAlert } from "../../components/problem-alert";
import { formatTime } from "../../lib/format";
import { auditSinksQuery } from "./queries";

const SINK_NAMES: Record<AuditSink["name"], string> = {
  webhook: "Webhook",
  syslog: "Syslog",
};

/** Where the audit stream to the SIEM stands (supervisors; nothing when no sink is set). */
export function AuditStreamStatus() {
  const sinks = useQuery(auditSinksQuery);
  if (sinks.error) {
    return (
      <RequestErrorAlert error={sinks.error} title="The audit stream's state could not be read" />
    );
  }
  if (!sinks.data || sinks.data.sinks.length === 0) return null;
  return (
    <section className="card" aria-labelledby="audit-stream-title">
      <h2 id="audit-stream-title">Audit stream</h2>
      <ul className="job-list">
        {sinks.data.sinks.map((sink) => (
          <li key={sink.name}>
            <strong>{SINK_NAMES[sink.name]}</strong> <span className="muted">{sink.target}</span>
            {": "}
            <SinkLine sink={sink} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A wait in the unit a person reads at a glance. */
function waited(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function SinkLine({ sink }: { sink: AuditSink }) {
  const behind =
    sink.recordsBehind === 0
      ? "up to date"
      : `${sink.recordsBehind} record${sink.recordsBehind === 1 ? "" : "s"} behind (the oldest waiting ${waited(sink.secondsBehind)})`;
  if (sink.state === "retrying") {
    return (
      <span className="verdict-error">
        retrying since {formatTime(sink.failingSince!)}, {behind}. Last error: {sink.lastError}
      </span>
    );
  }
  return (
    <span className={sink.lagging ? "verdict-error" : undefined}>
      delivering, {behind}
      {sink.deliveredAt && (
        <span className="muted"> · last delivery {formatTime(sink.deliveredAt)}</span>
      )}
    </span>
  );
}
