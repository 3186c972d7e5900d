import { z } from "zod";

export const IdSchema = z.uuid();
export const IsoTimeSchema = z.iso.datetime({ offset: true });
