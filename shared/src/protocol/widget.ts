// The website widget: organisation-scoped public keys (an admin creates them with the list of
// websites allowed to use them) and the public call that opens a ticket with a chat.
import { z } from "zod";
import { IdSchema } from "../ids.ts";
import { GuestNameSchema } from "./invites.ts";

/** An origin as a browser sends it: scheme, host and optional port, nothing else. */
export const WebOriginSchema = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, "must be an origin such as https://www.example.com");

export const CreateWidgetKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  allowedOrigins: z.array(WebOriginSchema).min(1).max(20),
});
export type CreateWidgetKeyBody = z.infer<typeof CreateWidgetKeyBodySchema>;

export const WidgetKeySchema = z.object({
  id: IdSchema,
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type WidgetKey = z.infer<typeof WidgetKeySchema>;

export const WidgetTicketBodySchema = z.strictObject({
  widgetKey: z.string().min(10).max(100),
  name: GuestNameSchema,
  text: z.string().trim().min(1).max(5000),
  /** The page the visitor came from, when the widget opens our own page in a window. */
  embedOrigin: WebOriginSchema.optional(),
});
export type WidgetTicketBody = z.infer<typeof WidgetTicketBodySchema>;
