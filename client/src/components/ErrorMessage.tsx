// Errors are shown by code, in the user's language; the server's English message is never shown.
import { Show } from "solid-js";
import { errorCodes } from "@caseroom/shared";
import { ApiError } from "../api.ts";
import { formatDuration, t, type MessageKey } from "../i18n/index.ts";

type FieldKey = Extract<MessageKey, `field.${string}`>;
const fieldKeys: Record<string, FieldKey> = {
  title: "field.title",
  description: "field.description",
  status: "field.status",
  priority: "field.priority",
  assigneeId: "field.assigneeId",
  email: "field.email",
  password: "field.password",
};

function fieldList(details: Record<string, unknown> | undefined): string {
  const fields = Array.isArray(details?.fields) ? (details.fields as { path?: unknown }[]) : [];
  const labels = fields
    .map((f) => (typeof f.path === "string" ? fieldKeys[f.path.split(".")[0] ?? ""] : undefined))
    .filter((key): key is FieldKey => key !== undefined)
    .map((key) => t(key));
  return [...new Set(labels)].join(", ");
}

/** The localised sentence for any error thrown by the API layer (or anything else). */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return t("error.internal");
  switch (error.code) {
    case "network":
      return t("error.network");
    case "rate_limited":
      return error.retryAfterS ? t("error.rateLimitedRetry", { duration: formatDuration(error.retryAfterS * 1000) }) : t("error.rate_limited");
    case "validation_failed": {
      const fields = fieldList(error.details);
      return fields ? `${t("error.validation_failed")} ${t("error.validationFields", { fields })}` : t("error.validation_failed");
    }
    default:
      return error.code in errorCodes ? t(`error.${error.code}`) : t("error.internal");
  }
}

export function ErrorMessage(props: { error: unknown; onDismiss?: () => void }) {
  const reference = () => (props.error instanceof ApiError && props.error.code === "internal" ? props.error.requestId : undefined);
  return (
    <div class="alert alert-error" role="alert">
      <p>
        {errorText(props.error)}
        <Show when={reference()}>{(id) => <span class="muted error-reference">{t("error.reference", { id: id() })}</span>}</Show>
      </p>
      <Show when={props.onDismiss}>
        {(dismiss) => (
          <button type="button" class="button-link" onClick={() => dismiss()()}>
            {t("error.dismiss")}
          </button>
        )}
      </Show>
    </div>
  );
}
