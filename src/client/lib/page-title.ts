import { useEffect } from "react";

/**
 * The tab's title, from parts that different components own: a running job's progress, the
 * production mark, and the page. "▶ 42 % · 2 errors · Bulk fail job · CIBA fail console".
 */
const parts = { progress: "", production: false, page: "" };

function render() {
  document.title = [
    parts.progress,
    parts.production && "PRODUCTION",
    parts.page,
    "CIBA fail console",
  ]
    .filter(Boolean)
    .join(" · ");
}

export function usePageTitle(page: string) {
  useEffect(() => {
    parts.page = page;
    render();
  }, [page]);
}

export function useTitleProgress(progress: string) {
  useEffect(() => {
    parts.progress = progress;
    render();
    return () => {
      parts.progress = "";
      render();
    };
  }, [progress]);
}

/**
 * A form whose service is production: "PRODUCTION" in the tab's title and a red stripe across
 * the top of the page (body[data-production]), for as long as the form shows it.
 */
export function useProductionMark(production: boolean) {
  useEffect(() => {
    parts.production = production;
    render();
    if (production) document.body.dataset.production = "true";
    else delete document.body.dataset.production;
    return () => {
      parts.production = false;
      delete document.body.dataset.production;
      render();
    };
  }, [production]);
}
