export { kbStore, type KbSearchHit, type KbStore } from "./store.ts";
