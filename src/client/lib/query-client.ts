import { QueryClient } from "@tanstack/react-query";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false },
    // A fail call is never repeated behind the operator's back.
    mutations: { retry: false },
  },
});
