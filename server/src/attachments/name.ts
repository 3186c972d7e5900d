// File names from clients are shown to people and go into Content-Disposition: keep only the last
// path segment, drop control and bidirectional-override characters, bound the length, and make the
// extension match what the content really is (so "invoice.html" that is a PDF saves as .pdf).

const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"\\/<>:|?*]/g;
const MAX_LENGTH = 120;

export function sanitiseName(clientName: string, ext: string): string {
  const last = clientName.split(/[/\\]/).pop() ?? "";
  let name = last.normalize("NFC").replace(FORBIDDEN, "_").replace(/\s+/g, " ").trim().replace(/^\.+/, "");
  const dot = name.lastIndexOf(".");
  let stem = dot > 0 ? name.slice(0, dot) : name;
  const given = dot > 0 ? name.slice(dot + 1) : "";
  const lower = given.toLowerCase();
  const same = lower === ext || (ext === "jpg" && lower === "jpeg") || (ext === "mov" && lower === "qt");
  if (!stem) stem = "file";
  if (stem.length > MAX_LENGTH) stem = stem.slice(0, MAX_LENGTH);
  name = `${stem}.${same ? given : ext}`;
  return name;
}

/** A Content-Disposition value with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(type: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%;]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
