// Wires a page's store to the live stream and its link indicator: the console and the board
// follow the stream the same way.

import { LiveStream, showLinkState } from "./stream.js";
import { setServerTime } from "./timers.js";

export function followStream(store) {
  const link = document.getElementById("link-status");
  let everLive = false;
  const stream = new LiveStream(document.querySelector("[data-stream-path]").dataset.streamPath, {
    onSnapshot: (data, seq, msg) => {
      if (msg.now) setServerTime(msg.now);
      store.applySnapshot(data);
    },
    onEvent: (event, data, seq, msg) => {
      if (msg.now) setServerTime(msg.now);
      store.applyEvent(event, data);
    },
    onState: (state) => {
      if (state === "live") everLive = true;
      showLinkState(link, state, everLive, stream.closeCode);
    },
  });
  window.cadStream = stream;
  window.cadStore = store;
  showLinkState(link, stream.state, false);
  return stream.start();
}
