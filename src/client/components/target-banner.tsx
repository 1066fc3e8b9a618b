import type { Target } from "../../shared/fail-result";

/** Says where fail calls go, so nobody mistakes the simulator for Authlete or the other way round. */
export function TargetBanner({ target }: { target: Target }) {
  return target.simulated ? (
    <p className="banner banner-simulator" role="note">
      <strong>Simulator mode.</strong> This console talks to its built-in Authlete simulator, not to
      a real Authlete cluster. Nothing you fail here affects a real authorization server.
    </p>
  ) : (
    <p className="banner banner-cluster" role="note">
      Connected to Authlete at <strong>{target.baseUrl}</strong>. Fail calls take effect.
    </p>
  );
}
