import { Link } from "wouter";
import { handOff } from "../lib/action-draft";
import type { FormPrefill } from "../lib/deep-link";

/**
 * The one sentence that says which action fits, on both forms: Fail ticket before /issue, End
 * issued request after it (docs/authlete-reference.md §6). The link to the other form takes
 * the service and the ticket along.
 */
export function ActionChoice({
  current,
  carry,
}: {
  current: "fail" | "end";
  carry: () => FormPrefill;
}) {
  const other = (
    <Link href={current === "fail" ? "/end" : "/"} onClick={() => handOff(carry())}>
      {current === "fail" ? "End issued request" : "Fail ticket"}
    </Link>
  );
  return (
    <p className="action-choice">
      {current === "fail" ? (
        <>
          The client has no <code>auth_req_id</code> yet → <strong>Fail ticket</strong>. It already
          received one → {other} (a fail would leave it waiting).
        </>
      ) : (
        <>
          The client already received an <code>auth_req_id</code> →{" "}
          <strong>End issued request</strong>. Otherwise → {other}.
        </>
      )}
    </p>
  );
}
