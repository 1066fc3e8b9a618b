import { Link } from "wouter";

/** A ticket's tail, linking to its story: every record of it, newest first. */
export function TicketStoryLink({ tail, hash }: { tail: string; hash?: string | null }) {
  return (
    <Link
      href={`/audit?ticket=${encodeURIComponent(tail)}`}
      className="mono ticket-link"
      title={hash ? `SHA-256 ${hash}` : undefined}
      aria-label={`Story of ticket …${tail}`}
    >
      …{tail}
    </Link>
  );
}
