// The demo organisation, seeded on first start outside production so the product can be tried at once.
import type { StaffRole, TicketStatus } from "@caseroom/shared";
import { hashPassword } from "../auth/index.ts";
import type { Db, Queryable } from "../db/index.ts";
import { ticketStore } from "../tickets/index.ts";
import { demoOrgs, type DemoOrg } from "./demoData.ts";

export interface SeedResult {
  seeded: boolean;
  logins: { email: string; role: StaffRole; org: string }[];
}

/** Seeds every demo organisation that does not exist yet. Safe to call on every start. */
export async function seedDemo(db: Db, password: string): Promise<SeedResult> {
  let seeded = false;
  const logins: SeedResult["logins"] = [];
  const passwordHash = await hashPassword(password);
  for (const org of demoOrgs) {
    const [existing] = await db.query("select id from orgs where slug = $1", [org.slug]);
    if (!existing) {
      await seedOrg(db, org, passwordHash);
      seeded = true;
    }
    for (const user of org.users) logins.push({ email: user.email, role: user.role, org: org.name });
  }
  return { seeded, logins };
}

async function seedOrg(db: Db, org: DemoOrg, passwordHash: string): Promise<void> {
  const ids = await db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      "insert into orgs (name, slug, locale, time_zone, search_config) values ($1, $2, $3, $4, $5::regconfig) returning id",
      [org.name, org.slug, org.locale, org.timeZone, org.locale === "ru" ? "russian" : "english"],
    );
    const orgId = row!.id;
    const userIds = new Map<string, string>();
    for (const user of org.users) {
      const [u] = await tx.query<{ id: string }>(
        "insert into users (org_id, email, name, role, password_hash) values ($1, $2, $3, $4, $5) returning id",
        [orgId, user.email, user.name, user.role, passwordHash],
      );
      userIds.set(user.email, u!.id);
    }
    for (const team of org.teams) {
      const [t] = await tx.query<{ id: string }>("insert into teams (org_id, name) values ($1, $2) returning id", [orgId, team.name]);
      for (const email of team.members) {
        await tx.query("insert into team_members (team_id, user_id, org_id) values ($1, $2, $3)", [t!.id, userIds.get(email), orgId]);
      }
    }
    await insertArticles(tx, orgId, org, userIds.values().next().value!);
    return { orgId, userIds };
  });
  // Tickets go through the store so that each one writes its events, exactly as the product does.
  const tickets = ticketStore(db);
  for (const ticket of org.tickets) {
    const author = ids.userIds.get(ticket.createdBy)!;
    const { ticket: created } = await tickets.create(ids.orgId, author, { title: ticket.title, description: ticket.description, priority: ticket.priority });
    const assigneeId = ticket.assignee ? ids.userIds.get(ticket.assignee)! : undefined;
    if (ticket.status !== "new" || assigneeId) {
      await tickets.update(ids.orgId, author, created.id, { status: ticket.status as TicketStatus, ...(assigneeId ? { assigneeId } : {}) });
    }
  }
}

async function insertArticles(tx: Queryable, orgId: string, org: DemoOrg, authorId: string): Promise<void> {
  for (const article of org.articles) {
    await tx.query(
      "insert into kb_articles (org_id, title, body, tags, created_by, search_config) values ($1, $2, $3, $4, $5, $6::regconfig)",
      [orgId, article.title, article.body, article.tags, authorId, org.locale === "ru" ? "russian" : "english"],
    );
  }
}

