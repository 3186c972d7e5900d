import type { Locale, Org, StaffMember, StaffRole, User } from "@caseroom/shared";
import type { Queryable } from "../db/index.ts";

interface UserRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: StaffRole;
  locale: Locale | null;
  password_hash: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  orgId: row.org_id,
  locale: row.locale,
});

export function userStore(db: Queryable) {
  return {
    async findForLogin(email: string): Promise<{ user: User; passwordHash: string } | undefined> {
      const [row] = await db.query<UserRow>(
        "select * from users where lower(email) = lower($1) and disabled_at is null",
        [email],
      );
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    async findById(id: string): Promise<User | undefined> {
      const [row] = await db.query<UserRow>("select * from users where id = $1 and disabled_at is null", [id]);
      return row && toUser(row);
    },
    async setLocale(id: string, locale: Locale | null): Promise<void> {
      await db.query("update users set locale = $2 where id = $1", [id, locale]);
    },
    async listStaff(orgId: string): Promise<StaffMember[]> {
      return db.query<StaffMember>(
        "select id, name, role from users where org_id = $1 and disabled_at is null order by name",
        [orgId],
      );
    },
    /** Whether a user id names active staff of this organisation (assignee checks). */
    async isStaffOf(orgId: string, userId: string): Promise<boolean> {
      const rows = await db.query("select 1 from users where id = $1 and org_id = $2 and disabled_at is null", [userId, orgId]);
      return rows.length > 0;
    },
  };
}
export type UserStore = ReturnType<typeof userStore>;

interface OrgRow {
  id: string;
  name: string;
  locale: Locale;
  time_zone: string;
}

export async function findOrg(db: Queryable, id: string): Promise<Org | undefined> {
  const [row] = await db.query<OrgRow>("select id, name, locale, time_zone from orgs where id = $1", [id]);
  return row && { id: row.id, name: row.name, locale: row.locale, timeZone: row.time_zone };
}
