import { STANDALONE_SIMULATOR_NOTE, STANDALONE_SIMULATOR_URL } from "../../shared/curl";
import type { Target } from "../../shared/fail-result";
import { CopyButton } from "./copy-button";

/**
 * Copy link (fills the form, never submits) and Copy as curl (the Authlete call the console
 * would make, the token as $AUTHLETE_TOKEN); `curl` answers undefined after showing what is wrong.
 */
export function ShareActions({
  link,
  curl,
  simulated,
}: {
  link: () => string;
  curl: () => string | undefined;
  /** On the embedded simulator: the curl says which simulator and token it is for. */
  simulated: boolean;
}) {
  const text = () => {
    const command = curl();
    return command && simulated ? `${STANDALONE_SIMULATOR_NOTE}\n${command}` : command;
  };
  return (
    <div className="actions share-actions">
      <CopyButton label="Copy link" text={link} />
      <CopyButton label="Copy as curl" text={text} />
    </div>
  );
}

/** Where Copy as curl sends its call: the service's cluster, or on the simulator its own. */
export function curlBaseUrl(cluster: string | null | undefined, target: Target | undefined) {
  if (cluster) return cluster;
  if (target?.simulated) return STANDALONE_SIMULATOR_URL;
  return target?.baseUrl ?? "";
}
