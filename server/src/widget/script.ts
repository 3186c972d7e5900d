// The script a company puts on its website: <script src="https://caseroom.example/widget.js"
// data-key="crw_…" async></script>. It adds one button; the chat opens in a window of Caseroom's own
// origin (first-party cookies, our headers), never in the company's page, which it cannot read.
export const widgetScript = `(function () {
  var script = document.currentScript;
  if (!script) return;
  var key = script.getAttribute("data-key") || "";
  var base = new URL(script.src).origin;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = script.getAttribute("data-label") || "Chat with support";
  button.setAttribute("style", "position:fixed;right:16px;bottom:16px;z-index:2147483647;padding:12px 18px;border:0;border-radius:24px;background:#0b5cad;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)");
  button.addEventListener("click", function () {
    var url = base + "/widget/" + encodeURIComponent(key) + "?origin=" + encodeURIComponent(location.origin);
    window.open(url, "_blank", "noopener,noreferrer,width=420,height=700");
  });
  (document.body || document.documentElement).appendChild(button);
})();
`;
