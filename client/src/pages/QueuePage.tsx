// The live queue. The list comes from the server for the current filter; every `ticket:changed`
// is then applied in place (inserted, updated or dropped as the filter says) without a reload.
import { createEffect, createMemo, createSignal, on, onCleanup, Show } from "solid-js";
import { A, useSearchParams } from "@solidjs/router";
import { TicketSchema, type Ticket } from "@caseroom/shared";
import { api } from "../api.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { NewTicketForm } from "../components/NewTicketForm.tsx";
import { usePageTitle } from "../components/pageTitle.ts";
import { QueueFilters } from "../components/QueueFilters.tsx";
import { TicketTable } from "../components/TicketTable.tsx";
import { t } from "../i18n/index.ts";
import { applyChange, byUpdatedDesc, filterFromSearch, isFiltered, isNewer, toApiFilter, type QueueFilter } from "../queue.ts";
import { me } from "../session.ts";
import { useOnConnect, useSocketEvent } from "../socket.ts";

const FLASH_MS = 2_000;
const SEARCH_REFRESH_MS = 400;

export function QueuePage() {
  usePageTitle(() => t("queue.heading"));
  const [params, setParams] = useSearchParams();
  const filter = createMemo(() => filterFromSearch(params), undefined, {
    equals: (a, b) => a.status === b.status && a.assignee === b.assignee && a.q === b.q,
  });
  const myId = () => me()?.user.id ?? "";

  const [tickets, setTickets] = createSignal<Ticket[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [highlighted, setHighlighted] = createSignal<ReadonlySet<string>>(new Set());
  const [formOpen, setFormOpen] = createSignal(false);
  const [created, setCreated] = createSignal<Ticket>();

  /** The newest state of every ticket changed while this page is open (events can arrive out of order). */
  const seen = new Map<string, Ticket>();
  /** Changes pushed while a list request is in flight: the answer may predate them. */
  let pushedDuringLoad = new Map<string, Ticket>();
  let generation = 0;

  async function load() {
    const current = ++generation;
    const f = filter();
    pushedDuringLoad = new Map();
    setLoading(true);
    try {
      const { tickets: fetched } = await api.listTickets(toApiFilter(f, myId()));
      if (current !== generation) return;
      let list = [...fetched].sort(byUpdatedDesc);
      for (const ticket of pushedDuringLoad.values()) list = applyChange(list, ticket, f, myId());
      setTickets(list);
      setLoaded(true);
      setError(undefined);
    } catch (err) {
      if (current === generation) setError(err);
    } finally {
      if (current === generation) setLoading(false);
    }
  }
  createEffect(on(filter, () => void load()));

  const timers = new Set<number>();
  const later = (fn: () => void, ms: number) => {
    const id = window.setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
    return id;
  };
  onCleanup(() => timers.forEach((id) => window.clearTimeout(id)));

  let searchRefresh: number | undefined;
  function apply(ticket: Ticket, flash: boolean) {
    const held = seen.get(ticket.id);
    if (held && !isNewer(ticket, held)) return;
    seen.set(ticket.id, ticket);
    pushedDuringLoad.set(ticket.id, ticket);
    setTickets((list) => applyChange(list, ticket, filter(), myId()));
    if (flash) {
      setHighlighted((set) => new Set(set).add(ticket.id));
      later(() => setHighlighted((set) => {
        const next = new Set(set);
        next.delete(ticket.id);
        return next;
      }), FLASH_MS);
    }
    // Whether a changed ticket still matches a search only the server can tell.
    if (filter().q) {
      window.clearTimeout(searchRefresh);
      searchRefresh = later(() => void load(), SEARCH_REFRESH_MS);
    }
  }

  useSocketEvent("ticket:changed", (payload) => {
    const parsed = TicketSchema.safeParse(payload.ticket);
    if (!parsed.success) return console.warn("malformed ticket:changed", parsed.error.issues);
    apply(parsed.data, true);
  });
  // After a reconnect that could not replay what we missed, ask for the list again.
  useOnConnect((s) => {
    if (loaded() && !s.recovered) void load();
  });

  const updateFilter = (next: Partial<QueueFilter>) => {
    const merged = { ...filter(), ...next };
    setParams(
      { status: merged.status ?? undefined, assignee: merged.assignee === "all" ? undefined : merged.assignee, q: merged.q || undefined },
      { replace: true },
    );
  };

  let toggleButton: HTMLButtonElement | undefined;
  const onCreated = (ticket: Ticket) => {
    apply(ticket, true);
    setCreated(ticket);
    setFormOpen(false);
    toggleButton?.focus();
  };

  return (
    <>
      <div class="page-head">
        <h1>{t("queue.heading")}</h1>
        <Show when={loaded()}>
          <p class="queue-count muted" data-testid="queue-count" data-count={tickets().length} aria-live="polite">
            {t("queue.count", { count: tickets().length })}
          </p>
        </Show>
        <Show when={loading() && loaded()}>
          <p class="muted refreshing">{t("queue.refreshing")}</p>
        </Show>
        <button
          ref={toggleButton}
          type="button"
          class="button-primary page-head-action"
          aria-expanded={formOpen()}
          aria-controls="new-ticket-panel"
          data-testid="new-ticket-toggle"
          onClick={() => {
            setCreated(undefined);
            setFormOpen(!formOpen());
          }}
        >
          {t("newTicket.toggle")}
        </button>
      </div>

      <div id="new-ticket-panel">
        <Show when={formOpen()}>
          <NewTicketForm onCreated={onCreated} onCancel={() => { setFormOpen(false); toggleButton?.focus(); }} />
        </Show>
      </div>
      <div role="status" class="notice-slot">
        <Show when={created()}>
          {(ticket) => (
            <p class="alert alert-success">
              {t("newTicket.created", { number: t("ticket.number", { number: String(ticket().number) }) })}
              <A href={`/tickets/${ticket().id}`} class="alert-link">{t("newTicket.open")}</A>
            </p>
          )}
        </Show>
      </div>

      <QueueFilters filter={filter()} onChange={updateFilter} />

      <Show when={error()}>
        <ErrorMessage error={error()} onDismiss={() => setError(undefined)} />
      </Show>

      <Show when={loaded()} fallback={<p class="muted" aria-busy="true">{t("app.loading")}</p>}>
        <Show
          when={tickets().length > 0}
          fallback={<p class="empty-state" data-testid="queue-empty">{isFiltered(filter()) ? t("queue.emptyFiltered") : t("queue.empty")}</p>}
        >
          <div aria-busy={loading()}>
            <TicketTable tickets={tickets()} timeZone={me()?.org.timeZone ?? ""} highlighted={highlighted()} />
          </div>
        </Show>
      </Show>
    </>
  );
}
