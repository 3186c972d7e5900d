import { A } from "@solidjs/router";
import { t } from "../i18n/index.ts";
import { usePageTitle } from "../components/pageTitle.ts";

export function NotFoundPage() {
  usePageTitle(() => t("notFound.heading"));
  return (
    <section class="empty-state">
      <h1>{t("notFound.heading")}</h1>
      <p>
        <A href="/">{t("notFound.back")}</A>
      </p>
    </section>
  );
}
