/**
 * The baseline page of the benchmark: the console's own dependencies, each used once, doing
 * nothing but render a button. What the console's initial JS weighs beyond this, and the time
 * its form takes beyond this button's, is the console itself.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { hc } from "hono/client";
import { createRoot } from "react-dom/client";
import { useForm } from "react-hook-form";
import { Route } from "wouter";
import { z } from "zod";

const schema = z.object({ name: z.string().min(1) });

function Nothing() {
  useQuery({ queryKey: ["x"], queryFn: () => hc<never>(location.origin) && null });
  const form = useForm({ resolver: zodResolver(schema) });
  // The same thing the console's timing waits for: a "Fail ticket" button, rendered by React.
  return (
    <form onSubmit={(event) => void form.handleSubmit(() => undefined)(event)}>
      <button type="submit">Fail ticket</button>
    </form>
  );
}

createRoot(document.getElementById("root")!).render(
  <QueryClientProvider client={new QueryClient()}>
    <Route path="/">
      <Nothing />
    </Route>
  </QueryClientProvider>,
);
