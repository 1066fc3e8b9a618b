import { randomBytes } from "node:crypto";

export interface StoredTicket {
  ticket: string;
  serviceId: string;
  clientId: string;
  hintType: "LOGIN_HINT" | "LOGIN_HINT_TOKEN" | "ID_TOKEN_HINT";
  hint: string;
  bindingMessage: string | undefined;
  /** The client's client_notification_token (ping and push), for /complete's notification. */
  notificationToken?: string;
  /** The client's requested_expiry (seconds), which /issue uses instead of the service's. */
  requestedExpiry?: number;
  /** Until /issue: the ticket's lifetime from creation; after it: the auth_req_id's. */
  expiresAt: number;
  /** Set once /issue handed out an auth_req_id for this ticket. */
  authReqId?: string;
}

/** Pending CIBA tickets, in memory, each expiring after the configured lifetime. */
export class TicketStore {
  readonly #tickets = new Map<string, StoredTicket>();
  /** auth_req_id → ticket, for the token endpoint. */
  readonly #issued = new Map<string, string>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(fields: Omit<StoredTicket, "ticket" | "expiresAt">): StoredTicket {
    this.#sweep();
    // Like Authlete: 256 random bits, base64url without padding = 43 characters.
    const ticket = randomBytes(32).toString("base64url");
    const stored = { ...fields, ticket, expiresAt: this.now() + this.ttlSeconds * 1000 };
    this.#tickets.set(ticket, stored);
    return stored;
  }

  /** The live ticket, only when it belongs to the given service. */
  find(ticket: string, serviceId: string): StoredTicket | undefined {
    const stored = this.#tickets.get(ticket);
    if (!stored) return undefined;
    if (stored.expiresAt <= this.now()) {
      this.delete(ticket);
      return undefined;
    }
    return stored.serviceId === serviceId ? stored : undefined;
  }

  /**
   * /issue: the request now lives as long as its auth_req_id, counted from now (CIBA Core §7.3,
   * `expires_in`), not what was left of the ticket's own lifetime.
   */
  issue(stored: StoredTicket, lifetimeSeconds: number): string {
    stored.authReqId ??= randomBytes(32).toString("base64url");
    stored.expiresAt = this.now() + lifetimeSeconds * 1000;
    this.#issued.set(stored.authReqId, stored.ticket);
    return stored.authReqId;
  }

  delete(ticket: string): void {
    const stored = this.#tickets.get(ticket);
    if (stored?.authReqId) this.#issued.delete(stored.authReqId);
    this.#tickets.delete(ticket);
  }

  /** The issued request an auth_req_id names, while it lives (any service: the caller checks). */
  findIssued(authReqId: string): StoredTicket | undefined {
    const ticket = this.#issued.get(authReqId);
    const stored = ticket === undefined ? undefined : this.#tickets.get(ticket);
    if (!stored || stored.expiresAt <= this.now()) return undefined;
    return stored;
  }

  /** Whether the ticket is still pending in any service (for tests and diagnostics). */
  has(ticket: string): boolean {
    const stored = this.#tickets.get(ticket);
    return stored !== undefined && stored.expiresAt > this.now();
  }

  #sweep(): void {
    const now = this.now();
    for (const [ticket, stored] of this.#tickets) {
      if (stored.expiresAt <= now) this.delete(ticket);
    }
  }
}
