import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { signInRequestSchema } from "../../../shared/session";
import type { SignInRequest } from "../../../shared/session";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { signInMethodQuery, useSignIn } from "./queries";

/** What `/login?code=…` or `/login?error=…` carried, taken out of the address bar once read. */
function takeParametersFromAddress(): { code: string; error: string | null } {
  const url = new URL(window.location.href);
  const code = url.searchParams.get("code") ?? "";
  const error = url.searchParams.get("error");
  if (code || error || url.pathname === "/login") window.history.replaceState(null, "", "/");
  return { code, error };
}

// Read once per page load (render may run twice; the address is cleaned after the first read).
let fromAddress: ReturnType<typeof takeParametersFromAddress> | undefined;

/** Why an OpenID Connect sign-in came back without a session (see server/oidc.ts). */
const OIDC_ERRORS: Record<string, string> = {
  "not-allowed":
    "Your account signed in, but it is not allowed to use this console. Ask its administrator to add your email or group.",
  failed: "The sign-in did not complete (it may have expired or been cancelled). Try again.",
  unavailable: "The organisation's sign-in service cannot be reached. Try again in a moment.",
  locked: "Too many sign-ins failed from your address. Wait a quarter of an hour, then try again.",
};

export function SignInPage() {
  const method = useQuery(signInMethodQuery);
  const address = (fromAddress ??= takeParametersFromAddress());
  if (method.isPending) return <p className="page muted">Loading…</p>;
  if (method.isError) throw method.error;
  return (
    <main className="page sign-in">
      {method.data.mode === "oidc" ? (
        <OidcSignIn error={address.error} />
      ) : (
        <AccessCodeSignIn code={address.code} accounts={method.data.mode === "accounts"} />
      )}
    </main>
  );
}

export function OidcSignIn({ error }: { error: string | null }) {
  return (
    <div className="card">
      <h1>Sign in to the CIBA fail console</h1>
      <p className="muted">With your organisation&apos;s account. What you do here is recorded.</p>
      {error && (
        <div role="alert" className="alert">
          <p className="alert-title">Sign-in failed</p>
          <p>{OIDC_ERRORS[error] ?? OIDC_ERRORS.failed}</p>
        </div>
      )}
      {/* A navigation, not a fetch: the browser goes to the provider and comes back. */}
      <a className="button" href="/auth/oidc/login">
        Sign in with your organisation
      </a>
    </div>
  );
}

/**
 * A name and a code. With local accounts (CONSOLE_USERS) both are the person's own; with the
 * shared code, the name is whatever is typed, and the page says it is not verified.
 */
export function AccessCodeSignIn({
  code,
  accounts,
  again,
}: {
  code: string;
  accounts: boolean;
  /** Signing in again over the page after the session ended: a dialog's form, its own heading. */
  again?: { onSignedIn: () => void };
}) {
  const signIn = useSignIn();
  const { register, handleSubmit, formState } = useForm<SignInRequest>({
    resolver: zodResolver(signInRequestSchema),
    mode: "onTouched",
    defaultValues: { name: "", accessCode: code },
  });
  const submit = handleSubmit((request) =>
    signIn.mutate(request, { onSuccess: () => again?.onSignedIn() }),
  );
  return (
    <form
      className={again ? undefined : "card"}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      {!again && <h1>Sign in to the CIBA fail console</h1>}
      <p className="muted">
        {accounts
          ? "With your own account. What you do here is recorded under your name."
          : "With the console's shared access code. Your name goes into the records of what you do here, marked as not verified: anyone with the code could type it."}
      </p>
      <Field
        id="name"
        label={accounts ? "Account name" : "Your name"}
        error={formState.errors.name?.message}
      >
        {(control) => (
          <input
            {...control}
            {...register("name")}
            autoComplete={accounts ? "username" : "name"}
            autoFocus
          />
        )}
      </Field>
      <Field
        id="access-code"
        label={accounts ? "Your access code" : "Access code"}
        hint={
          accounts
            ? "Your own code, as your administrator gave it to you."
            : "Printed by the console when it started, or set in CONSOLE_ACCESS_CODE."
        }
        error={formState.errors.accessCode?.message}
      >
        {(control) => (
          <input
            {...control}
            {...register("accessCode")}
            type="password"
            autoComplete="current-password"
          />
        )}
      </Field>
      <button type="submit" disabled={signIn.isPending} aria-busy={signIn.isPending}>
        {signIn.isPending ? "Signing in…" : "Sign in"}
      </button>
      <RequestErrorAlert error={signIn.error} title="Sign-in failed" plain />
    </form>
  );
}
