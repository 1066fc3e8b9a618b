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
  if (!production) return null;
  return (
    <p className="production-banner" role="note">
      <strong>Production: {service.name}.</strong> {children}
    </p>
  );
}
