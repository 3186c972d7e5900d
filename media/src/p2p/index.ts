export { linked, planMesh, sends, shows, type MeshPeer } from "./plan.ts";
export { iceServersFor, type IceConfig } from "./ice.ts";
