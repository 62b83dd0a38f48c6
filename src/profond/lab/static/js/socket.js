// The one WebSocket client of every lab page: JSON messages both ways, queued while the socket
// is down, reconnecting after a drop, the connection shown in #conn, a ping every 20 s while
// the tab is visible (the server closes a silent session).

import { t } from "./i18n.js";

let warned = false;

function showStatus(state) {
  const conn = document.getElementById("conn");
  if (!conn) return;
  conn.dataset.i18n = state === "open" ? "connected" : "disconnected";
  conn.textContent = t(conn.dataset.i18n);
  conn.classList.toggle("down", state !== "open");
}

// path: "/ws" (playground) or "/ws/pages"; onMessage receives each parsed message.
export function connect(path, onMessage) {
  let ws = null;
  let queue = [];
  let retry = 500;

  function open() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${proto}://${location.host}${path}`);
    ws.onopen = () => {
      retry = 500;
      showStatus("open");
      for (const m of queue) ws.send(m);
      queue = [];
    };
    ws.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {  // one unreadable message must not stop the page: skip it, say why once
        if (!warned) console.warn("lab: skipped a message that is not JSON");
        warned = true;
        return;
      }
      onMessage(message);
    };
    ws.onclose = () => {
      showStatus("closed");
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 8000);
    };
  }
  showStatus("closed");
  open();
  const send = (message) => {
    const text = JSON.stringify(message);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
    else queue.push(text);
  };
  setInterval(() => { if (document.visibilityState === "visible") send({ type: "ping" }); }, 20000);
  return { send };
}
