import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useEffect, useState } from "react";
import type { ReactNode } from "react";
import type { QueryClient } from "@tanstack/react-query";
import type { FailTicketPage as FailTicketPageType } from "./features/fail-ticket/fail-ticket-page";
import { Link, Redirect, Route, Switch, useRoute } from "wouter";
import { ApprovalsNavLink } from "./features/approvals/approvals-nav-link";
import { ErrorBoundary } from "./components/error-boundary";
import { KeyboardShortcuts } from "./components/keyboard-shortcuts";
import { TargetBanner } from "./components/target-banner";
import { consoleConfigQuery } from "./lib/console-queries";
import { sessionQuery, useSignOut } from "./features/session/queries";
import { roleAllows } from "../shared/session";
import type { SessionInfo } from "../shared/session";
import { queryClient } from "./lib/query-client";
import { usePageTitle } from "./lib/page-title";

/** The page. The first frame's renderer gives it a query client of its own per request. */
export function App({ client = queryClient }: { client?: QueryClient }) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={client}>
        <Gate />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

/** Nothing but the sign-in form until someone is signed in. */
function Gate() {
  const session = useQuery(sessionQuery);
  const failPage = useFailTicketPage();
  // The fail form waits for its module here, not behind a Suspense fallback: React holds a
  // boundary's content back for up to 300 ms after showing its fallback, which was most of the
  // time the form took to become usable.
  if (session.isPending || (session.data && !failPage))
    return <p className="page muted">Loading…</p>;
  if (session.isError) throw session.error;
  if (session.data) return <SignedIn session={session.data} />;
  return (
    <Suspense fallback={<p className="page muted">Loading…</p>}>
      <SignInPage />
    </Suspense>
  );
}

function NavLink({ href, children }: { href: string; children: string }) {
  const [active] = useRoute(href);
  return (
    <Link href={href} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

const SignInPage = lazy(() =>
  import("./features/session/sign-in-page").then((m) => ({ default: m.SignInPage })),
);
// The fail form, what an operator needs at 3 a.m., is fetched the moment the page's script runs,
// in parallel with the session question (index.html preloads /api/session): the form waits for
// that answer anyway, and the shell that asks it stays small (decision 014). The other pages
// are fetched right after (see SignedIn), so a click finds them.
const failTicketPage = import("./features/fail-ticket/fail-ticket-page");
let FailTicketPage: typeof FailTicketPageType | undefined;
/** Once the fail form's module is here: a first frame is drawn, or taken over, only then. */
export const failTicketPageReady: Promise<void> = failTicketPage.then((m) => {
  FailTicketPage = m.FailTicketPage;
});
function useFailTicketPage() {
  const [loaded, setLoaded] = useState(() => FailTicketPage);
  useEffect(() => {
    if (!loaded) void failTicketPage.then((m) => setLoaded(() => m.FailTicketPage));
  }, [loaded]);
  return loaded;
}
// Warns before the idle timeout and signs in again over the page: after the form, not before.
const SessionWatch = lazy(() =>
  import("./features/session/session-watch").then((m) => ({ default: m.SessionWatch })),
);
const loadAuditLog = () => import("./features/audit/audit-log-page");
const loadBulkFail = () => import("./features/bulk-fail/bulk-fail-page");
const loadLab = () => import("./features/lab/lab-page");
const loadEndRequest = () => import("./features/end-request/end-request-page");
const EndRequestPage = lazy(() => loadEndRequest().then((m) => ({ default: m.EndRequestPage })));
const AuditLogPage = lazy(() => loadAuditLog().then((m) => ({ default: m.AuditLogPage })));
const BulkFailPage = lazy(() => loadBulkFail().then((m) => ({ default: m.BulkFailPage })));
const LabPage = lazy(() => loadLab().then((m) => ({ default: m.LabPage })));
const ApprovalsPage = lazy(() =>
  import("./features/approvals/approvals-page").then((m) => ({ default: m.ApprovalsPage })),
);

/** The route table: each page, its heading for screen readers, and who may see it. */
const PAGES: {
  path: string;
  title: string;
  operatorOnly: boolean;
  supervisorOnly?: boolean;
  render: (params: { id?: string }) => ReactNode;
}[] = [
  { path: "/audit", title: "Audit log", operatorOnly: false, render: () => <AuditLogPage /> },
  {
    path: "/approvals",
    title: "Approvals",
    operatorOnly: true,
    supervisorOnly: true,
    render: () => <ApprovalsPage />,
  },
  { path: "/lab", title: "QA lab", operatorOnly: true, render: () => <LabPage /> },
  {
    path: "/bulk/:id",
    title: "Bulk fail job",
    operatorOnly: true,
    render: ({ id }) => <BulkFailPage jobId={id} />,
  },
  { path: "/bulk", title: "Bulk fail", operatorOnly: true, render: () => <BulkFailPage /> },
  {
    path: "/end",
    title: "End an issued CIBA request",
    operatorOnly: true,
    render: () => <EndRequestPage />,
  },
  {
    path: "/",
    title: "Fail a stuck CIBA ticket",
    operatorOnly: true,
    render: () => (FailTicketPage ? <FailTicketPage /> : null),
  },
];

function ViewerJobNotice({ jobId }: { jobId: string }) {
  usePageTitle("Bulk fail job");
  return (
    <section className="card" aria-labelledby="viewer-job-title">
      <h1 id="viewer-job-title">A bulk job</h1>
      <p>
        Bulk job pages and their controls are for operators. As a viewer you can read everything
        this job did in the audit log.
      </p>
      <p>
        <Link href={`/audit?jobId=${encodeURIComponent(jobId)}`}>Open this job&apos;s records</Link>
      </p>
    </section>
  );
}

/** The page's heading for screen readers, and the tab's title: each tab says what it holds. */
function PageTitle({ title }: { title: string }) {
  usePageTitle(title);
  return <h1 className="visually-hidden">{title}</h1>;
}

function SignedIn({ session }: { session: SessionInfo }) {
  const { data: config } = useQuery(consoleConfigQuery);
  const signOut = useSignOut();
  useEffect(() => {
    for (const load of [loadEndRequest, loadAuditLog, loadBulkFail, loadLab]) void load();
  }, []);
  // A supervisor may do all an operator may (and control anyone's bulk job).
  const isOperator = roleAllows(session.role, "operator");
  const isSupervisor = session.role === "supervisor";
  return (
    <>
      <header className="app-header">
        <p className="app-title">CIBA fail console</p>
        <nav aria-label="Pages" className="app-nav">
          {isOperator && <NavLink href="/">Fail a ticket</NavLink>}
          {isOperator && <NavLink href="/end">End issued request</NavLink>}
          {isOperator && <NavLink href="/bulk">Bulk fail</NavLink>}
          {isOperator && <NavLink href="/lab">QA lab</NavLink>}
          <NavLink href="/audit">Audit log</NavLink>
          {isSupervisor && <ApprovalsNavLink />}
        </nav>
        <div className="header-right">
          {config && <span className="muted version-tag">v{config.version}</span>}
          <span className="signed-in-as" title={`Signed in as ${session.name}`}>
            <span className="visually-hidden">Signed in as </span>
            <strong>{session.name}</strong>
            {session.role !== "operator" && <span className="role-badge">{session.role}</span>}
            {!session.nameVerified && (
              <span
                className="role-badge role-badge-note"
                title="Signed in with the shared access code: the records keep this name as typed."
              >
                name not verified
              </span>
            )}
          </span>
          <button type="button" className="button-secondary" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      {config && <TargetBanner target={config.target} canAct={isOperator} />}
      <KeyboardShortcuts />
      <Suspense fallback={null}>
        <SessionWatch />
      </Suspense>
      <main className="page">
        <Suspense fallback={<p className="muted">Loading the page…</p>}>
          <Switch>
            {PAGES.filter(
              (page) =>
                (isOperator || !page.operatorOnly) && (isSupervisor || !page.supervisorOnly),
            ).map((page) => (
              <Route key={page.path} path={page.path}>
                {(params: { id?: string }) => (
                  <>
                    <PageTitle title={page.title} />
                    {page.render(params)}
                  </>
                )}
              </Route>
            ))}
            {/* A colleague's job link, opened by a viewer: said, not silently redirected. */}
            {!isOperator && (
              <Route path="/bulk/:id">
                {(params: { id: string }) => <ViewerJobNotice jobId={params.id} />}
              </Route>
            )}
            {/* /login after signing in, and a viewer anywhere else, land on a page they may use. */}
            <Route>
              <Redirect to={isOperator ? "/" : "/audit"} replace />
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
