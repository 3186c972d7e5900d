// The permission table of shared/src/roles.ts, written out here a second time on purpose: a change to
// who may do what must be made in both places, deliberately.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { can, permissions, staffRoles, type Permission, type Principal, type StaffRole } from "@caseroom/shared";

const expected: Record<Permission, Record<StaffRole, boolean>> = {
  "ticket:read": { admin: true, supervisor: true, technician: true },
  "ticket:create": { admin: true, supervisor: true, technician: true },
  "ticket:update": { admin: true, supervisor: true, technician: true },
  "events:read": { admin: true, supervisor: true, technician: false },
  "presence:read": { admin: true, supervisor: true, technician: true },
  "users:read": { admin: true, supervisor: true, technician: true },
  "metrics:read:own": { admin: true, supervisor: true, technician: true },
  "metrics:read:any": { admin: true, supervisor: true, technician: false },
  "metrics:configure": { admin: true, supervisor: false, technician: false },
  "apikeys:manage": { admin: true, supervisor: false, technician: false },
  "agent:status": { admin: true, supervisor: true, technician: true },
  "ai:use": { admin: true, supervisor: true, technician: true },
  "ai:admin": { admin: true, supervisor: false, technician: false },
  "call:start": { admin: true, supervisor: true, technician: true },
  "call:supervise": { admin: true, supervisor: true, technician: false },
  "audit:read": { admin: true, supervisor: false, technician: false },
};

const staff = (role: StaffRole): Principal => ({ kind: "user", userId: randomUUID(), orgId: randomUUID(), role });
const guest: Principal = { kind: "guest", guestId: randomUUID(), orgId: randomUUID(), ticketId: randomUUID() };

const test = suite("can(): role × permission");

test("the expected table names every permission and every role", () => {
  assert.equal(Object.keys(expected).sort(), Object.keys(permissions).sort());
  for (const row of Object.values(expected)) assert.equal(Object.keys(row).sort(), [...staffRoles].sort());
});

for (const permission of Object.keys(expected) as Permission[]) {
  for (const role of staffRoles) {
    const allowed = expected[permission][role];
    test(`${role} ${allowed ? "may" : "may not"} ${permission}`, () => {
      assert.is(can(staff(role), permission), allowed);
    });
  }
  test(`a guest may not ${permission}`, () => {
    assert.is(can(guest, permission), false);
  });
}

test("guests get nothing at all", () => {
  assert.equal(
    (Object.keys(permissions) as Permission[]).filter((p) => can(guest, p)),
    [],
  );
});

test.run();
