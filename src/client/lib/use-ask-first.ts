import type { UseMutationResult } from "@tanstack/react-query";
import { useState } from "react";
import type { AskFirstAnswers } from "../../shared/ask-first";
import type { Problem } from "../../shared/problem";
import { isProblem } from "./api-client";

/**
 * What the dialog asks before (or instead of) a send: the server's questions (decision 014),
 * and, for a bulk job, the page's own summary of what is about to start.
 */
export interface AskFirstQuestion {
  /** already-acted: this console's earlier actions on the ticket. */
  previousActions?: Problem["previousActions"];
  /** already-acted for a job: how many of its tickets. */
  alreadyActedCount?: number;
  /** confirmation-required: what to type back, with a justification. */
  confirm?: Problem["confirm"];
  /** The page's own question before a bulk job: "Fail 200 tickets?". */
  summary?: { title: string; text: string; confirmLabel: string };
}

/** The server's question in a failed send, if it asked one. */
function questionOf(error: unknown, sent: AskFirstAnswers): AskFirstQuestion | undefined {
  if (isProblem(error, "already-acted")) {
    const { previousActions, alreadyActedCount, confirm } = error.problem;
    return { previousActions, alreadyActedCount, confirm };
  }
  // A confirmation already typed and still refused is an error to show, not a question.
  if (isProblem(error, "confirmation-required") && !sent.confirmation) {
    return { confirm: error.problem.confirm };
  }
  return undefined;
}

/**
 * The one confirmed submit, for the single fail and the bulk job: send; when the server asks
 * first (409 already-acted, confirmation-required), open the one dialog with its question,
 * and send again with the answers. Nothing is sent while the dialog is open; cancel keeps the
 * form as it was.
 */
export function useAskFirst<Request extends AskFirstAnswers, Result>(
  mutation: UseMutationResult<Result, Error, Request>,
  onDone: (result: Result, request: Request) => void,
  /** The send failed (not a question): the page shows the error where its results go. */
  onFailed?: (error: Error) => void,
) {
  const [asking, setAsking] = useState<{ request: Request; question: AskFirstQuestion }>();

  function send(request: Request) {
    mutation.mutate(request, {
      onSuccess: (result) => {
        setAsking(undefined);
        onDone(result, request);
      },
      onError: (error) => {
        const question = questionOf(error, request);
        if (question)
          mutation.reset(); // Asked in the dialog instead of shown as an error.
        else onFailed?.(error);
        setAsking(question && { request, question });
      },
    });
  }

  return {
    asking,
    pending: mutation.isPending,
    error: mutation.error,
    /** Sends, or first asks the page's own question (`summary`). */
    submit(request: Request, summary?: AskFirstQuestion["summary"]) {
      mutation.reset();
      if (summary) setAsking({ request, question: { summary } });
      else send(request);
    },
    /** The dialog's answers: sent with the request it asked about. */
    answer(answers: { confirmation?: string; justification?: string }) {
      if (!asking) return;
      const { request, question } = asking;
      const repeat =
        question.previousActions !== undefined || question.alreadyActedCount !== undefined;
      send({
        ...request,
        ...(repeat && { again: true }),
        ...(question.confirm && answers),
      });
    },
    cancel: () => setAsking(undefined),
    reset: () => mutation.reset(),
  };
}
