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
  completeUnknownTicket: result("A186202", "The ticket does not exist."),
  // Chosen by the simulator (Authlete's codes for these are not public).
  missingToken: result("A990201", "The request has no valid access token."),
  serviceForbidden: (serviceId: string) =>
    result("A990202", `The access token is not allowed to use the service ${serviceId}.`),
  listForbidden: result("A990209", "The access token is not allowed to list services."),
  malformedBody: result("A990203", "The request body is not a JSON object."),
  unknownPath: result("A990204", "No API has this path."),
  failMissingTicket: result("A990205", "The request does not contain 'ticket'."),
  failUnknownReason: result("A990206", "The value of 'reason' is not supported."),
  clientAuthFailed: result("A990207", "The client credentials are wrong."),
  authenticationBadRequest: (detail: string) =>
    result("A990208", `The backchannel authentication request is invalid: ${detail}`),
  completeOk: result("A990001", "The backchannel authentication was completed."),
  simulatedFault: (status: number) =>
    result("A990101", `The simulator was told to answer HTTP ${status} (fault injection).`),
} as const;
