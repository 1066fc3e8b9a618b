import type { ServiceSummary } from "../../shared/console-info";
import { useProductionMark } from "../lib/page-title";

/**
 * Said above a form whose service is production: what a submit there does. It also marks the
 * whole page (a red stripe, "PRODUCTION" in the tab's title) while it shows.
 */
export function ProductionBanner({
  service,
  children,
}: {
  service: ServiceSummary | undefined;
  children: string;
}) {
  const production = service?.environment === "production";
  useProductionMark(production);
  // Four-eyes (issue 21): said before the submit, not discovered after it.
  const approval = service?.approvalRequired && (
    <p className="note" role="note">
      <strong>Needs a second person:</strong> on {service.name}, nothing is sent until another
      supervisor approves it on their Approvals page. You will see their decision here.
    </p>
  );
  if (!production) return approval || null;
  return (
    <>
      <p className="production-banner" role="note">
        <strong>Production: {service.name}.</strong> {children}
      </p>
      {approval}
    </>
  );
}
