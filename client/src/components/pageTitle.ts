import { createEffect } from "solid-js";
import { t } from "../i18n/index.ts";

/** Keeps the document title in the current language, e.g. "Queue · Caseroom". */
export function usePageTitle(page: () => string): void {
  createEffect(() => {
    document.title = t("page.title", { page: page() });
  });
}
