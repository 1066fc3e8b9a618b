import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { Link, Redirect, Route, Switch, useRoute } from "wouter";
import { ErrorBoundary } from "./components/error-boundary";
import { KeyboardShortcuts } from "./components/keyboard-shortcuts";
import { AuditLogPage } from "./features/audit/audit-log-page";
import { BulkFailPage } from "./features/bulk-fail/bulk-fail-page";
import { ReasonMatrixPage } from "./features/reason-matrix/reason-matrix-page";
import { FailTicketPage } from "./features/fail-ticket/fail-ticket-page";
import { TargetBanner } from "./components/target-banner";
import { consoleConfigQuery } from "./lib/console-queries";
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

function NavLink({ href, children }: { href: string; children: string }) {
  const [active] = useRoute(href);
  return (
    <Link href={href} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

function SignedIn({ session }: { session: SessionInfo }) {
  const { data: config } = useQuery(consoleConfigQuery);
  const signOut = useSignOut();
  const isOperator = session.role === "operator";
  return (
    <>
      <header className="app-header">
        <p className="app-title">CIBA fail console</p>
        <nav aria-label="Pages" className="app-nav">
          {isOperator && <NavLink href="/">Fail a ticket</NavLink>}
          {isOperator && <NavLink href="/bulk">Bulk fail</NavLink>}
          {isOperator && <NavLink href="/matrix">Reason matrix</NavLink>}
          <NavLink href="/audit">Audit log</NavLink>
        </nav>
        <div className="header-right">
          {config && <span className="muted">v{config.version}</span>}
          <span>
            Signed in as <strong>{session.name}</strong>
            {session.role !== "operator" && <span className="role-badge">{session.role}</span>}
          </span>
          <button type="button" className="button-secondary" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      {config && <TargetBanner target={config.target} />}
      <KeyboardShortcuts />
      <main className="page">
        <Switch>
          <Route path="/audit">
            <h1 className="visually-hidden">Audit log</h1>
            <AuditLogPage />
          </Route>
          {isOperator && (
            <Route path="/matrix">
              <h1 className="visually-hidden">Reason matrix</h1>
              <ReasonMatrixPage />
            </Route>
          )}
          {isOperator && (
            <Route path="/bulk/:id">
              {(params) => (
                <>
                  <h1 className="visually-hidden">Bulk fail job</h1>
                  <BulkFailPage jobId={params.id} />
                </>
              )}
            </Route>
          )}
          {isOperator && (
            <Route path="/bulk">
              <h1 className="visually-hidden">Bulk fail</h1>
              <BulkFailPage />
            </Route>
          )}
          {isOperator && (
            <Route path="/">
              <h1 className="visually-hidden">Fail a stuck CIBA ticket</h1>
              <FailTicketPage />
            </Route>
          )}
          {/* /login after signing in, and a viewer anywhere else, land on a page they may use. */}
          <Route>
            <Redirect to={isOperator ? "/" : "/audit"} replace />
          </Route>
        </Switch>
      </main>
    </>
  );
}
