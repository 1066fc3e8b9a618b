import type { ServiceSummary } from "../../shared/console-info";

/** Said above a form whose service is production: what a submit there does. */
export function ProductionBanner({
  service,
  children,
}: {
  service: ServiceSummary | undefined;
  children: string;
}) {
  if (service?.environment !== "production") return null;
  return (
    <p className="production-banner" role="note">
      <strong>Production: {service.name}.</strong> {children}
    </p>
  );
}
