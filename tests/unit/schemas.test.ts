// The wire schemas of shared/: what each accepts, what it refuses, and how a refusal names the field.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  CreateTicketBodySchema,
  DomainEventSchema,
  errorCodes,
  eventTypes,
  EventsQuerySchema,
  issuesToDetails,
  LoginBodySchema,
  PatchTicketBodySchema,
  TicketListQuerySchema,
  type EventType,
} from "@caseroom/shared";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

const login = suite("LoginBodySchema");
login("accepts an e-mail and a password", () => {
  assert.ok(ok(LoginBodySchema, { email: "tech1@caseroom.local", password: "caseroom" }));
});
login("refuses a malformed e-mail, an empty password, an over-long password and unknown fields", () => {
  assert.not.ok(ok(LoginBodySchema, { email: "not-an-email", password: "x" }));
  assert.not.ok(ok(LoginBodySchema, { email: "a@b.co", password: "" }));
  assert.not.ok(ok(LoginBodySchema, { email: "a@b.co", password: "x".repeat(1025) }));
  assert.not.ok(ok(LoginBodySchema, { email: "a@b.co", password: "x", remember: true }));
  assert.not.ok(ok(LoginBodySchema, { email: "a@b.co" }));
});
login.run();

const create = suite("CreateTicketBodySchema");
create("accepts a title alone and trims it", () => {
  assert.equal(CreateTicketBodySchema.parse({ title: "  Printer jams  " }), { title: "Printer jams" });
});
create("accepts description and priority", () => {
  assert.ok(ok(CreateTicketBodySchema, { title: "t", description: "d", priority: "urgent" }));
});
create("refuses a blank or over-long title, an unknown priority, a wrong type and unknown fields", () => {
  assert.not.ok(ok(CreateTicketBodySchema, { title: "   " }));
  assert.not.ok(ok(CreateTicketBodySchema, { title: "x".repeat(201) }));
  assert.not.ok(ok(CreateTicketBodySchema, { title: "t", priority: "critical" }));
  assert.not.ok(ok(CreateTicketBodySchema, { title: 42 }));
  assert.not.ok(ok(CreateTicketBodySchema, { title: "t", status: "open" }));
  assert.not.ok(ok(CreateTicketBodySchema, {}));
});
create.run();

const patch = suite("PatchTicketBodySchema");
patch("an empty patch is refused", () => {
  const result = PatchTicketBodySchema.safeParse({});
  assert.not.ok(result.success);
  assert.match(result.error!.issues[0]!.message, /at least one field/);
});
patch("an unknown field is refused", () => {
  assert.not.ok(ok(PatchTicketBodySchema, { status: "open", colour: "red" }));
  assert.not.ok(ok(PatchTicketBodySchema, { description: "not patchable" }));
});
patch("a null assigneeId (unassign) is allowed", () => {
  assert.equal(PatchTicketBodySchema.parse({ assigneeId: null }), { assigneeId: null });
});
patch("accepts each field alone and refuses bad values", () => {
  for (const body of [{ title: "t" }, { status: "closed" }, { priority: "low" }, { assigneeId: randomUUID() }]) {
    assert.ok(ok(PatchTicketBodySchema, body), JSON.stringify(body));
  }
  for (const body of [{ status: "done" }, { priority: 1 }, { assigneeId: "user-1" }, { title: "" }]) {
    assert.not.ok(ok(PatchTicketBodySchema, body), JSON.stringify(body));
  }
});
patch.run();

const list = suite("TicketListQuerySchema");
list("accepts no filter, a status, an assignee uuid, 'none' and a search", () => {
  for (const query of [{}, { status: "open" }, { assigneeId: randomUUID() }, { assigneeId: "none" }, { q: "vpn" }]) {
    assert.ok(ok(TicketListQuerySchema, query), JSON.stringify(query));
  }
});
list("refuses an unknown status, a non-uuid assignee, a search over 200 characters, repeated values and unknown parameters", () => {
  for (const query of [{ status: "bogus" }, { assigneeId: "me" }, { q: "x".repeat(201) }, { status: ["new", "open"] }, { sort: "title" }]) {
    assert.not.ok(ok(TicketListQuerySchema, query), JSON.stringify(query));
  }
});
list("an empty or blank search box means no search", () => {
  assert.equal(TicketListQuerySchema.parse({ q: "" }), { q: undefined });
  assert.equal(TicketListQuerySchema.parse({ q: "   " }), { q: undefined });
});
list.run();

const events = suite("EventsQuerySchema");
events("defaults to after=0, limit=100", () => {
  assert.equal(EventsQuerySchema.parse({}), { after: 0, limit: 100 });
});
events("coerces query strings to numbers", () => {
  assert.equal(EventsQuerySchema.parse({ after: "42", limit: "1000" }), { after: 42, limit: 1000 });
});
events("limits: limit 1..1000, after >= 0, integers only, no unknown parameters", () => {
  assert.equal(EventsQuerySchema.parse({ limit: "1" }).limit, 1);
  for (const query of [{ limit: "0" }, { limit: "1001" }, { limit: "99999" }, { after: "-1" }, { after: "1.5" }, { after: "abc" }, { from: "1" }]) {
    assert.not.ok(ok(EventsQuerySchema, query), JSON.stringify(query));
  }
});
events.run();

const samples: Record<EventType, unknown> = {
  "ticket.created": { title: "Printer jams", priority: "high" },
  "ticket.title_changed": { from: "a", to: "b" },
  "ticket.status_changed": { from: "new", to: "open" },
  "ticket.priority_changed": { from: "normal", to: "urgent" },
  "ticket.assigned": { from: null, to: randomUUID() },
  "message.sent": { messageId: randomUUID(), visibility: "public", authorKind: "staff" },
  "call.started": {},
  "call.participant_joined": { participantId: randomUUID(), principal: "guest", principalId: randomUUID(), mode: "participant" },
  "call.participant_left": { participantId: randomUUID(), principal: "user", principalId: randomUUID(), mode: "monitor" },
  "call.ended": {},
  "call.transcript_segment": { participantId: randomUUID(), speakerKind: "customer", text: "the screen stays black", startMs: 1200, endMs: 2900, staffOnly: false },
  "agent.status_changed": { from: "available", to: "busy" },
  "csat.submitted": { score: 5, comment: "quick and kind" },
  "ai.budget_exceeded": { period: "2026-03", budgetMicroUsd: 50_000_000, spentMicroUsd: 50_000_120 },
};
const event = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type,
  at: new Date().toISOString(),
  actorId: randomUUID(),
  ticketId: randomUUID(),
  callId: randomUUID(),
  data,
  ...extra,
});

const domain = suite("DomainEventSchema");
domain("the samples cover every known event type", () => {
  assert.equal(Object.keys(samples).sort(), [...eventTypes].sort());
});
for (const type of eventTypes) {
  domain(`${type} with well-formed data is valid`, () => {
    const result = DomainEventSchema.safeParse(event(type, samples[type]));
    assert.ok(result.success, JSON.stringify(result.error?.issues));
  });
}
domain("an unknown type is refused", () => {
  assert.not.ok(ok(DomainEventSchema, event("ticket.deleted", {})));
});
domain("malformed data is refused", () => {
  assert.not.ok(ok(DomainEventSchema, event("ticket.status_changed", { from: "new", to: "sideways" })));
  assert.not.ok(ok(DomainEventSchema, event("ticket.created", { title: "t" })));
  assert.not.ok(ok(DomainEventSchema, event("ticket.assigned", { from: null, to: "bob" })));
});
domain("extra fields are refused, in the envelope and in data", () => {
  assert.not.ok(ok(DomainEventSchema, event("ticket.title_changed", { from: "a", to: "b" }, { orgId: randomUUID() })));
  assert.not.ok(ok(DomainEventSchema, event("ticket.title_changed", { from: "a", to: "b", by: "x" })));
});
domain("the envelope needs a uuid id and an ISO time", () => {
  assert.not.ok(ok(DomainEventSchema, event("ticket.title_changed", { from: "a", to: "b" }, { id: "1" })));
  assert.not.ok(ok(DomainEventSchema, event("ticket.title_changed", { from: "a", to: "b" }, { at: "yesterday" })));
});
domain.run();

const details = suite("issuesToDetails");
details("names each bad field by its dotted path", () => {
  const result = PatchTicketBodySchema.safeParse({ status: "done", assigneeId: 7 });
  const { fields } = issuesToDetails(result.error!.issues);
  assert.equal(fields.map((f) => f.path).sort(), ["assigneeId", "status"]);
  const nested = DomainEventSchema.safeParse(event("ticket.status_changed", { from: "new", to: "sideways" }));
  assert.equal(issuesToDetails(nested.error!.issues).fields.map((f) => f.path), ["data.to"]);
});
details("an issue about the whole body is named (body)", () => {
  const result = CreateTicketBodySchema.safeParse("a string");
  assert.equal(issuesToDetails(result.error!.issues).fields[0]!.path, "(body)");
});
details.run();

const codes = suite("errorCodes");
const expectedHttp: Record<keyof typeof errorCodes, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};
codes("the expected table covers every code", () => {
  assert.equal(Object.keys(errorCodes).sort(), Object.keys(expectedHttp).sort());
});
for (const [code, http] of Object.entries(expectedHttp) as [keyof typeof errorCodes, number][]) {
  codes(`${code} is HTTP ${http} and websocket close code ${4000 + http}`, () => {
    assert.is(errorCodes[code].http, http);
    assert.is(errorCodes[code].close, 4000 + http);
  });
}
codes.run();
