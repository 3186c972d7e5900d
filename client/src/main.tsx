import { render } from "solid-js/web";
import { App } from "./App.tsx";
import { loadSession } from "./session.ts";
import "./styles.css";

void loadSession();

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
render(() => <App />, root);
