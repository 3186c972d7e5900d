// Renders the chat's markdown subset (shared/src/protocol/chatMarkdown.ts) as elements. Text is
// always a text node; links are only http(s)/mailto, open in a new tab without the opener.
import { For, Match, Switch } from "solid-js";
import { isSafeHref, parseChatMarkdown, type ChatInline } from "@caseroom/shared";

function Inline(props: { nodes: ChatInline[] }) {
  return (
    <For each={props.nodes}>
      {(node) => (
        <Switch>
          <Match when={node.type === "text" && node}>{(n) => n().text}</Match>
          <Match when={node.type === "strong" && node}>{(n) => <strong><Inline nodes={n().children} /></strong>}</Match>
          <Match when={node.type === "em" && node}>{(n) => <em><Inline nodes={n().children} /></em>}</Match>
          <Match when={node.type === "code" && node}>{(n) => <code>{n().text}</code>}</Match>
          <Match when={node.type === "link" && isSafeHref(node.href) && node}>
            {(n) => <a href={n().href} target="_blank" rel="noopener noreferrer nofollow">{n().text}</a>}
          </Match>
        </Switch>
      )}
    </For>
  );
}

export function Markdown(props: { text: string }) {
  return (
    <For each={parseChatMarkdown(props.text)}>
      {(block) => (
        <Switch>
          <Match when={block.type === "code" && block}>{(b) => <pre><code>{b().text}</code></pre>}</Match>
          <Match when={block.type === "list" && block}>
            {(b) => <ul><For each={b().items}>{(item) => <li><Inline nodes={item} /></li>}</For></ul>}
          </Match>
          <Match when={block.type === "paragraph" && block}>
            {(b) => <p><For each={b().lines}>{(line, i) => <>{i() > 0 && <br />}<Inline nodes={line} /></>}</For></p>}
          </Match>
        </Switch>
      )}
    </For>
  );
}
