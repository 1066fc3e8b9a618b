import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ModalDialog } from "../../components/modal-dialog";
import { consoleConfigQuery, sessionKeys } from "../../lib/console-queries";
import {
  lastActivity,
  sessionEnded,
  sessionResumed,
  useSessionEnded,
} from "../../lib/session-ended";
import type { SessionEnd } from "../../lib/session-ended";
import { sessionSchema } from "../../../shared/session";
import { api, isProblem, readAnswer } from "../../lib/api-client";
import { AccessCodeSignIn } from "./sign-in-page";
import { signInMethodQuery } from "./queries";

const WHY: Record<SessionEnd, string> = {
  idle: "Your session ended after a time without activity.",
  absolute: "Your session reached its longest allowed time.",
  "account-changed": "Your account changed (removed, another role or another code).",
  gone: "Your session ended: signed out here or in another tab, or by a supervisor.",
};

/**
 * While signed in: warns before the idle timeout, and when the session ends, asks to sign in
 * again over the page, which keeps what was typed (in memory only: it may hold a ticket).
 */
export function SessionWatch() {
  const ended = useSessionEnded();
  return ended ? <SignInAgain reason={ended} /> : <IdleWarning />;
}

/** "Your session ends in 0:42": a minute before the idle timeout, or a quarter of it. */
function IdleWarning() {
  const queryClient = useQueryClient();
  const idleSeconds = useQuery(consoleConfigQuery).data?.session.idleSeconds;
  const [left, setLeft] = useState<number>();
  useEffect(() => {
    if (!idleSeconds) return;
    const warnSeconds = Math.min(60, idleSeconds / 4);
    const timer = setInterval(() => {
      const remaining = idleSeconds - (Date.now() - lastActivity()) / 1000;
      setLeft(remaining <= warnSeconds ? Math.max(0, Math.ceil(remaining)) : undefined);
      // Run out: ask the server, which says why (the dialog then opens).
      if (remaining <= -1) void checkSession(queryClient);
    }, 1000);
    return () => clearInterval(timer);
  }, [idleSeconds, queryClient]);
  if (left === undefined) return null;
  return (
    <div className="banner idle-warning" role="alert">
      Your session ends in {Math.floor(left / 60)}:{String(left % 60).padStart(2, "0")} without
      activity. What you typed stays on this page either way.{" "}
      <button type="button" onClick={() => void checkSession(queryClient)}>
        Stay signed in
      </button>
    </div>
  );
}

/** GET /api/session: restarts the idle clock, or learns that (and why) the session ended. */
async function checkSession(queryClient: ReturnType<typeof useQueryClient>) {
  try {
    const session = await readAnswer(api.session.$get(), sessionSchema);
    queryClient.setQueryData(sessionKeys.current(), session);
  } catch (error) {
    if (isProblem(error, "not-signed-in")) sessionEnded(error.problem.sessionEnded ?? "gone");
  }
}

function SignInAgain({ reason }: { reason: SessionEnd }) {
  const method = useQuery(signInMethodQuery).data;
  const queryClient = useQueryClient();
  const resumed = () => {
    sessionResumed();
    void queryClient.invalidateQueries({ predicate: (q) => q.state.status === "error" });
    // Back where the person was: the form's own button.
    setTimeout(() => document.querySelector<HTMLButtonElement>("form.form [type=submit]")?.focus());
  };
  return (
    <ModalDialog title="Sign in again" describedBy="session-ended-text" onCancel={() => undefined}>
      <div id="session-ended-text">
        <p>
          <strong>{WHY[reason]}</strong> Nothing was sent after it ended.
        </p>
        <p>Sign in again to go on: the page keeps what you typed.</p>
      </div>
      {method?.mode === "oidc" ? (
        <OidcPopup onSignedIn={resumed} />
      ) : (
        <AccessCodeSignIn
          code=""
          accounts={method?.mode === "accounts"}
          again={{ onSignedIn: resumed }}
        />
      )}
    </ModalDialog>
  );
}

/**
 * The provider cannot be framed: it opens in a popup. The popup's sign-in sets this console's
 * cookie, so this page only has to ask, each second, whether it is signed in again.
 */
function OidcPopup({ onSignedIn }: { onSignedIn: () => void }) {
  const queryClient = useQueryClient();
  const [popup, setPopup] = useState<Window | null>(null);
  useEffect(() => {
    if (!popup) return;
    const timer = setInterval(() => {
      void readAnswer(api.session.$get(), sessionSchema)
        .then((session) => {
          queryClient.setQueryData(sessionKeys.current(), session);
          popup.close();
          onSignedIn();
        })
        .catch(() => undefined);
    }, 1000);
    return () => clearInterval(timer);
  }, [popup, queryClient, onSignedIn]);
  return (
    <p>
      <button
        type="button"
        onClick={() => setPopup(window.open("/auth/oidc/login", "sign-in", "width=520,height=640"))}
      >
        Sign in with your organisation
      </button>{" "}
      {popup && <span className="muted">Finish in the window that opened.</span>}
    </p>
  );
}
