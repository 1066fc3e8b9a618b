import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { ErrorBoundary } from "./components/error-boundary";
import { FailTicketPage } from "./features/fail-ticket/fail-ticket-page";
import { consoleConfigQuery } from "./features/fail-ticket/queries";
import { TargetBanner } from "./features/fail-ticket/target-banner";
import { sessionQuery, useSignOut } from "./features/session/queries";
import { SignInPage } from "./features/session/sign-in-page";
import type { SessionInfo } from "../shared/session";
import { queryClient } from "./lib/query-client";

export function App() {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <Gate />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

/** Nothing but the sign-in form until someone is signed in. */
function Gate() {
  const session = useQuery(sessionQuery);
  if (session.isPending) return <p className="page muted">Loading…</p>;
  if (session.isError) throw session.error;
  return session.data ? <SignedIn session={session.data} /> : <SignInPage />;
}

function SignedIn({ session }: { session: SessionInfo }) {
  const { data: config } = useQuery(consoleConfigQuery);
  const signOut = useSignOut();
  return (
    <>
      <header className="app-header">
        <p className="app-title">CIBA fail console</p>
        <div className="header-right">
          {config && <span className="muted">v{config.version}</span>}
          <span>
            Signed in as <strong>{session.name}</strong>
          </span>
          <button type="button" className="button-secondary" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      <TargetBanner />
      <main className="page">
        <h1 className="visually-hidden">Fail a stuck CIBA ticket</h1>
        <FailTicketPage />
      </main>
    </>
  );
}
