import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { ErrorBoundary } from "./components/error-boundary";
import { FailTicketPage } from "./features/fail-ticket/fail-ticket-page";
import { consoleConfigQuery } from "./features/fail-ticket/queries";
import { TargetBanner } from "./features/fail-ticket/target-banner";
import { queryClient } from "./lib/query-client";

export function App() {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <Layout />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

function Layout() {
  const { data: config } = useQuery(consoleConfigQuery);
  return (
    <>
      <header className="app-header">
        <p className="app-title">CIBA fail console</p>
        {config && <p className="muted version">v{config.version}</p>}
      </header>
      <TargetBanner />
      <main className="page">
        <h1 className="visually-hidden">Fail a stuck CIBA ticket</h1>
        <FailTicketPage />
      </main>
    </>
  );
}
