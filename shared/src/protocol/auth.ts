import { z } from "zod";
import { IdSchema } from "../ids.ts";
import { LocaleSchema } from "../locales.ts";
import { StaffRoleSchema } from "../roles.ts";

export const LoginBodySchema = z.strictObject({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const UserSchema = z.object({
  id: IdSchema,
  email: z.string(),
  name: z.string(),
  role: StaffRoleSchema,
  orgId: IdSchema,
  locale: LocaleSchema.nullable(),
});
export type User = z.infer<typeof UserSchema>;

export const OrgSchema = z.object({
  id: IdSchema,
  name: z.string(),
  locale: LocaleSchema,
  timeZone: z.string(),
});
export type Org = z.infer<typeof OrgSchema>;

export const MeResponseSchema = z.object({ user: UserSchema, org: OrgSchema });
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const UpdateMeBodySchema = z.strictObject({
  locale: LocaleSchema.nullable().optional(),
});
export type UpdateMeBody = z.infer<typeof UpdateMeBodySchema>;

/** Staff directory entry: what colleagues may see of each other. */
export const StaffMemberSchema = z.object({ id: IdSchema, name: z.string(), role: StaffRoleSchema });
export type StaffMember = z.infer<typeof StaffMemberSchema>;
