/** How careful the console is with a service: production fails need a typed confirmation. */
export const ENVIRONMENTS = ["production", "staging", "test"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
