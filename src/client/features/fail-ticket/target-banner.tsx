import { useQuery } from "@tanstack/react-query";
import { consoleConfigQuery } from "./queries";

/** Says where fail calls go, so nobody mistakes the simulator for Authlete or the other way round. */
export function TargetBanner() {
  const { data: config } = useQuery(consoleConfigQuery);
  if (!config) return null;
  return config.target.simulated ? (
    <p className="banner banner-simulator" role="note">
      <strong>Simulator mode.</strong> This console talks to its built-in Authlete simulator, not to
      a real Authlete cluster. Nothing you fail here affects a real authorization server.
    </p>
  ) : (
    <p className="banner banner-cluster" role="note">
      Connected to Authlete at <strong>{config.target.baseUrl}</strong>. Fail calls take effect.
    </p>
  );
}
