import { z } from "zod";

export const locales = ["en", "ru"] as const;
export const LocaleSchema = z.enum(locales);
export type Locale = z.infer<typeof LocaleSchema>;
export const defaultLocale: Locale = "en";

/** The PostgreSQL text-search configuration used for an organisation's language. */
export const searchConfigByLocale: Record<Locale, "english" | "russian"> = { en: "english", ru: "russian" };
