import { useMutation } from "@tanstack/react-query";
import { reasonMatrixResultSchema } from "../../../shared/reason-matrix";
import type { ReasonMatrixRequest } from "../../../shared/reason-matrix";
import { api, readAnswer } from "../../lib/api-client";

export function useRunReasonMatrix() {
  return useMutation({
    mutationFn: (request: ReasonMatrixRequest) =>
      readAnswer(api["reason-matrix"].$post({ json: request }), reasonMatrixResultSchema),
  });
}
