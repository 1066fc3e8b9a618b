/**
 * Result codes the simulator answers with. Those Authlete documents are copied from
 * docs/authlete-reference.md §3. Where Authlete's own code is unknown the simulator picks one
 * in the A99xxxx range, which Authlete does not use, so nobody mistakes it for a real code; the
 * console must never depend on these, only on HTTP statuses and the body's shape.
 */

export interface ResultCode {
  code: string;
  message: string;
}

function result(code: string, text: string): ResultCode {
  return { code, message: `[${code}] ${text}` };
}

export const RESULT = {
  // Documented by Authlete.
  authenticationOk: result(
    "A179001",
    "The backchannel authentication request was processed successfully.",
  ),
  issueOk: result("A183001", "An auth_req_id was issued successfully."),
  issueUnknownTicket: result("A181201", "The ticket does not exist."),
  failOk: result(
    "A185001",
    "Successfully generated an error response for the backchannel authentication request.",
  ),
  // Authlete's wording for this one (a transcript of a live service).
  completeUnknownTicket: result("A186202", "No record that holds the ticket."),
  completeOk: (mode: string, outcome: string) =>
    result(
      "A198001",
      `Successfully updated the database so that the token endpoint can generate tokens (mode = ${mode.toLowerCase()}, result = ${outcome}).`,
    ),
  // Authlete's own message (issue 18, from a live service).
  noDeliveryMode: result(
    "A169301",
    "The backchannel token delivery mode of the client application is not set.",
  ),
  // Chosen by the simulator (Authlete's codes for these are not public).
  cibaNotAllowed: result("A990213", "The client may not use the CIBA grant type."),
  missingUserCode: result("A990214", "The client must send a 'user_code'."),
  missingNotificationToken: result(
    "A990215",
    "The 'client_notification_token' parameter is required in ping mode.",
  ),
  missingToken: result("A990201", "The request has no valid access token."),
  serviceForbidden: (serviceId: string) =>
    result("A990202", `The access token is not allowed to use the service ${serviceId}.`),
  listForbidden: result("A990209", "The access token is not allowed to list services."),
  malformedBody: result("A990203", "The request body is not a JSON object."),
  unknownPath: result("A990204", "No API has this path."),
  failMalformed: result("A990205", "The value of 'ticket' is not a string."),
  failUnknownReason: result("A990206", "The value of 'reason' is not supported."),
  clientAuthFailed: result("A990207", "The client credentials are wrong."),
  authenticationBadRequest: (detail: string) =>
    result("A990208", `The backchannel authentication request is invalid: ${detail}`),
  completeBadRequest: result(
    "A990210",
    "The request needs 'ticket', 'result' (AUTHORIZED, ACCESS_DENIED or TRANSACTION_FAILED), and 'subject' for AUTHORIZED.",
  ),
  authenticationNoParameters: result("A990211", "The request has no 'parameters' string."),
  malformedServiceId: (serviceId: string) =>
    result("A990212", `'${serviceId.slice(0, 40)}' is not a service ID (a number).`),
  // The token endpoint's CIBA answers (Authlete's codes for these are not public).
  tokenNoParameters: result("A990216", "The request has no 'parameters' string."),
  tokenUnsupportedGrant: result(
    "A990217",
    "The simulator's token endpoint takes only the CIBA grant.",
  ),
  tokenNoAuthReqId: result("A990218", "The 'auth_req_id' parameter is missing."),
  tokenInvalidGrant: result("A990219", "The auth_req_id is unknown, used up, or another client's."),
  tokenPending: result("A990220", "The end-user has not been authenticated yet."),
  tokenSlowDown: result("A990221", "The client polls faster than the interval."),
  tokenAccessDenied: result("A990222", "The end-user denied the request."),
  tokenExpired: result("A990223", "The auth_req_id has expired or the transaction failed."),
  tokenIssued: result("A990224", "An access token was issued (the CIBA grant)."),
  unknownAccessToken: result("A990225", "The service holds no such access token."),
  invalidTarget: result(
    "A990226",
    "A 'resource' is not an absolute URI without a fragment (RFC 8707 §2).",
  ),
  invalidAuthorizationDetails: result(
    "A990227",
    "The 'authorization_details' parameter is not a JSON array of objects with a 'type' (RFC 9396 §2).",
  ),
  badRequestObject: result(
    "A990228",
    "The 'request' parameter is not a JWS whose payload is a JSON object.",
  ),
  simulatedFault: (status: number) =>
    result("A990101", `The simulator was told to answer HTTP ${status} (fault injection).`),
} as const;

/** Where the simulator lists its own codes (error_uri of an A99… error points here). */
export const RESULT_CODES_PAGE = "/simulator/result-codes";

/**
 * The simulator's own codes (A99…), each with its message, for the page that lists them. A
 * message with a part that varies shows it in braces.
 */
export function simulatorCodes(): ResultCode[] {
  const samples: Record<string, unknown[]> = {
    serviceForbidden: ["{serviceId}"],
    authenticationBadRequest: ["{what is wrong}"],
    malformedServiceId: ["{serviceId}"],
    simulatedFault: ["{status}"],
  };
  return Object.entries(RESULT)
    .map(([name, value]) =>
      typeof value === "function"
        ? (value as (...args: unknown[]) => ResultCode)(
            ...(samples[name] ?? ["{mode}", "{result}"]),
          )
        : value,
    )
    .filter((entry) => entry.code.startsWith("A99"))
    .sort((a, b) => a.code.localeCompare(b.code));
}
