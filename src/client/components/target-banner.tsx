import { Link } from "wouter";
import type { Target } from "../../shared/fail-result";

/**
 * One line that says where actions go, so nobody mistakes the simulator for Authlete or the
 * other way round, and what this person can do there.
 */
export function TargetBanner({ target, canAct }: { target: Target; canAct: boolean }) {
  if (target.simulated) {
    return (
      <p className="banner banner-simulator" role="note">
        <strong>Simulator mode:</strong> nothing here reaches a real authorization server.
      </p>
    );
  }
  return (
    <p className="banner banner-cluster" role="note">
      Authlete at <strong className="mono">{target.baseUrl}</strong>
      {canAct ? (
        ": fail and end calls take effect."
      ) : (
        <>
          : you can read the <Link href="/audit">audit log</Link>; acting needs the operator role.
        </>
      )}
    </p>
  );
}
