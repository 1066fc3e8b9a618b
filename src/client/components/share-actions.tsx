import { CopyButton } from "./copy-button";

/**
 * Copy link (fills the form, never submits) and Copy as curl (the Authlete call the console
 * would make, the token as $AUTHLETE_TOKEN); `curl` answers undefined after showing what is wrong.
 */
export function ShareActions({
  link,
  curl,
}: {
  link: () => string;
  curl: () => string | undefined;
}) {
  return (
    <div className="actions share-actions">
      <CopyButton label="Copy link" text={link} />
      <CopyButton label="Copy as curl" text={curl} />
    </div>
  );
}
