import type { QueryClient } from "@tanstack/react-query";
import type { FirstFrameData } from "../../shared/first-frame";
import { consoleKeys, sessionKeys } from "./console-queries";

/**
 * The answers a first frame was drawn from, put where the page's queries look for them: the
 * renderer and the page that takes the frame over then draw the same form.
 */
export function seedFirstFrame(client: QueryClient, data: FirstFrameData): void {
  client.setQueryData(sessionKeys.current(), data.session);
  client.setQueryData(consoleKeys.config(), data.config);
  if (data.services) client.setQueryData(consoleKeys.services(), data.services);
}
