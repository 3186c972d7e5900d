// Status, assignee and search filters for the queue. The filter lives in the URL, so a filtered
// queue can be bookmarked and the back button works.
import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import { ticketStatuses, type TicketStatus } from "@caseroom/shared";
import { t } from "../i18n/index.ts";
import { assigneeFilters, isFiltered, type AssigneeFilter, type QueueFilter } from "../queue.ts";

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
      <div class="field">
        <label for="filter-status">{t("filters.status")}</label>
        <select
          id="filter-status"
          data-testid="filter-status"
          value={props.filter.status ?? ""}
          onChange={(e) => props.onChange({ status: (e.currentTarget.value || undefined) as TicketStatus | undefined })}
        >
          <option value="" selected={!props.filter.status}>{t("filters.statusAll")}</option>
          <For each={ticketStatuses}>
            {(status) => <option value={status} selected={props.filter.status === status}>{t(`status.${status}`)}</option>}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="filter-assignee">{t("filters.assignee")}</label>
        <select
          id="filter-assignee"
          data-testid="filter-assignee"
          value={props.filter.assignee}
          onChange={(e) => props.onChange({ assignee: e.currentTarget.value as AssigneeFilter })}
        >
          <For each={assigneeFilters}>
            {(value) => <option value={value} selected={props.filter.assignee === value}>{assigneeLabel(value)}</option>}
          </For>
        </select>
      </div>
      <div class="field field-grow">
        <label for="filter-q">{t("filters.search")}</label>
        <input
          id="filter-q"
          data-testid="filter-q"
          type="search"
          maxLength={200}
          placeholder={t("filters.searchPlaceholder")}
          value={draft()}
          onInput={(e) => onSearch(e.currentTarget.value)}
        />
      </div>
      <Show when={isFiltered(props.filter)}>
        <button type="button" class="button-secondary" data-testid="filter-reset" onClick={() => { setDraft(""); props.onChange({ status: undefined, assignee: "all", q: "" }); }}>
          {t("filters.reset")}
        </button>
      </Show>
    </form>
  );
}
