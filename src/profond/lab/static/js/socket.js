// The WebSocket to /ws: JSON messages both ways, reconnecting after a drop.

let warned = false;

export function connect(onMessage, onStatus, path = "/ws") {
  let ws = null;
  let queue = [];
  let retry = 500;

  function open() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${proto}://${location.host}${path}`);
    ws.onopen = () => {
      retry = 500;
      onStatus("open");
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
      onStatus("closed");
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 8000);
    };
  }
  open();
  return {
    send(message) {
      const text = JSON.stringify(message);
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
      else queue.push(text);
    },
  };
}
