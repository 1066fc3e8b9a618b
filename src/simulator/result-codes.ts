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
  // From the review's transcript of a live service (issue 12).
  noDeliveryMode: result(
    "A169301",
    "The client has not registered a backchannel token delivery mode.",
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
  simulatedFault: (status: number) =>
    result("A990101", `The simulator was told to answer HTTP ${status} (fault injection).`),
} as const;
