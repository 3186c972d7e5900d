// One stable colour per person, shared by avatars and the notes' remote cursors, so a colleague
// looks the same everywhere. Dark tones, each at least 4.5:1 against white text; #rrggbb because
// the caret extension accepts nothing else.
const tones = ["#1d4ed8", "#7c2d12", "#166534", "#6b21a8", "#9f1239", "#115e59", "#854d0e", "#374151"];

export function userColor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return tones[hash % tones.length] ?? "#374151";
}
