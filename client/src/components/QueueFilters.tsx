// Status, assignee and search filters for the queue. The filter lives in the URL, so a filtered
// queue can be bookmarked and the back button works.
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { ticketStatuses } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { assigneeFilters, isFiltered, type AssigneeFilter, type QueueFilter } from "../queue.ts";
import { Field, SelectField } from "./Field.tsx";

const SEARCH_DEBOUNCE_MS = 300;

const assigneeLabel = (value: AssigneeFilter) =>
  value === "me" ? t("filters.assigneeMe") : value === "none" ? t("filters.assigneeNone") : t("filters.assigneeAll");

export function QueueFilters(props: { filter: QueueFilter; onChange: (next: Partial<QueueFilter>) => void }) {
  // The search box keeps its own text while typing; the URL follows after a short pause.
  const [draft, setDraft] = createSignal(props.filter.q);
  createEffect(on(() => props.filter.q, (q) => {
    if (q !== draft().trim()) setDraft(q);
  }));
  let timer: number | undefined;
  const onSearch = (value: string) => {
    setDraft(value);
    window.clearTimeout(timer);
    timer = window.setTimeout(() => props.onChange({ q: value.trim() }), SEARCH_DEBOUNCE_MS);
  };
  onCleanup(() => window.clearTimeout(timer));

  return (
    <form class="filters" role="search" aria-label={t("filters.heading")} onSubmit={(e) => {
      e.preventDefault();
      window.clearTimeout(timer);
      props.onChange({ q: draft().trim() });
    }}>
      <SelectField
        id="filter-status"
        testId="filter-status"
        label={t("filters.status")}
        options={ticketStatuses}
        labelOf={(status) => t(`status.${status}`)}
        allLabel={t("filters.statusAll")}
        value={props.filter.status}
        onChange={(status) => props.onChange({ status })}
      />
      <SelectField
        id="filter-assignee"
        testId="filter-assignee"
        label={t("filters.assignee")}
        options={assigneeFilters}
        labelOf={assigneeLabel}
        value={props.filter.assignee}
        onChange={(assignee) => props.onChange({ assignee })}
      />
      <Field id="filter-q" label={t("filters.search")} grow>
        <input
          id="filter-q"
          data-testid="filter-q"
          type="search"
          maxLength={200}
          placeholder={t("filters.searchPlaceholder")}
          value={draft()}
          onInput={(e) => onSearch(e.currentTarget.value)}
        />
      </Field>
      <Show when={isFiltered(props.filter)}>
        <button type="button" class="button-secondary" data-testid="filter-reset" onClick={() => { setDraft(""); props.onChange({ status: undefined, assignee: "all", q: "" }); }}>
          {t("filters.reset")}
        </button>
      </Show>
    </form>
  );
}
