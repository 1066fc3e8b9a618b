import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { signInRequestSchema } from "../../../shared/session";
import type { SignInRequest } from "../../../shared/session";
import { Field } from "../../components/field";
import { RequestErrorAlert } from "../../components/problem-alert";
import { useSignIn } from "./queries";

/** The code from a `/login?code=…` link, taken out of the address bar once read. */
function takeCodeFromAddress(): string {
  const url = new URL(window.location.href);
  const code = url.searchParams.get("code") ?? "";
  if (code || url.pathname === "/login") window.history.replaceState(null, "", "/");
  return code;
}

export function SignInPage() {
  const signIn = useSignIn();
  const { register, handleSubmit, formState } = useForm<SignInRequest>({
    resolver: zodResolver(signInRequestSchema),
    mode: "onTouched",
    defaultValues: { name: "", accessCode: takeCodeFromAddress() },
  });
  const submit = handleSubmit((request) => signIn.mutate(request));
  return (
    <main className="page sign-in">
      <form className="card" onSubmit={(event) => void submit(event)} noValidate>
        <h1>Sign in to the CIBA fail console</h1>
        <p className="muted">Your name goes into the records of what you do here.</p>
        <Field id="name" label="Your name" error={formState.errors.name?.message}>
          {(control) => <input {...control} {...register("name")} autoComplete="name" autoFocus />}
        </Field>
        <Field
          id="access-code"
          label="Access code"
          hint="Printed by the console when it started, or set in CONSOLE_ACCESS_CODE."
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
        <RequestErrorAlert error={signIn.error} title="Sign-in failed" />
      </form>
    </main>
  );
}
