/** How long the AS waits for the client's endpoint (the console's own receiver). */
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * The AS's POST of a notification (CIBA Core §10.2, §10.3), as a lab cell plays it. The cell
 * sends only to the console's own receiver (it checks the endpoint first), so this needs none
 * of DELIVER_CLIENT_NOTIFICATIONS's address checks; redirects are not followed all the same.
 */
export async function deliverToReceiver(url: string, token: string, body: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}
