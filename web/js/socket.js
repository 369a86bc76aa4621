// The websocket to the server, for the kiosk and the staff pages alike: JSON text frames out,
// with a `seq` when a reply is awaited; replies matched back by their `seq`; binary frames handed
// on as they are; and, when the connection is lost, tries again after 1, 2, 5, then every 10
// seconds, unless the page says not to.

const BACKOFF_MS = [1000, 2000, 5000, 10000];

function url() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * Opens the socket for a subprotocol ('planaloud' or 'planaloud-staff'). Hooks (all optional):
 * open(); message(m) for each JSON object, first: true means it is dealt with, otherwise it
 * settles the awaited request with its seq, if any; binary(data) for each binary frame (an
 * ArrayBuffer); lost() when the connection is gone (or never opened): true tries again after the
 * backoff. lostReply: what an awaited request gets when the connection goes first.
 * Returns { send, request, isOpen, ok, close }.
 */
export function openSocket(protocol, hooks = {}, lostReply = { type: 'error', code: 'connection' }) {
  let ws = null;
  let seq = 0;
  let attempt = 0;
  let retryTimer = null;
  let closed = false;
  const pending = new Map(); // seq -> resolve

  function onMessage(ev) {
    if (typeof ev.data !== 'string') {
      hooks.binary?.(ev.data);
      return;
    }
    let m;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!m || typeof m !== 'object' || hooks.message?.(m) === true) return;
    const resolve = m.seq != null ? pending.get(m.seq) : undefined;
    if (resolve) {
      pending.delete(m.seq);
      resolve(m);
    }
  }

  function gone(sock) {
    if (sock && ws !== sock) return;
    ws = null;
    for (const resolve of pending.values()) resolve({ ...lostReply });
    pending.clear();
    if (closed) return;
    if (hooks.lost?.() === true) {
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      retryTimer = setTimeout(connect, delay);
    }
  }

  function connect() {
    clearTimeout(retryTimer);
    if (closed) return;
    let sock;
    try {
      sock = new WebSocket(url(), protocol);
    } catch {
      gone(null);
      return;
    }
    ws = sock;
    sock.binaryType = 'arraybuffer';
    sock.addEventListener('message', onMessage);
    sock.addEventListener('open', () => hooks.open?.());
    sock.addEventListener('close', () => gone(sock));
  }

  const socket = {
    /** True when a message can go now. */
    isOpen: () => !!ws && ws.readyState === WebSocket.OPEN,
    /** Sends one message as it is; false when the socket cannot take it now. */
    send(m) {
      if (!socket.isOpen()) return false;
      ws.send(JSON.stringify(m));
      return true;
    },
    /** Sends one message with the next seq; resolves with its reply (an `error` reply
     * included, and lostReply when the connection goes first); never rejects. */
    request(m) {
      if (!socket.isOpen()) return Promise.resolve({ ...lostReply });
      const n = ++seq;
      return new Promise((resolve) => {
        pending.set(n, resolve);
        ws.send(JSON.stringify({ ...m, seq: n }));
      });
    },
    /** The server has greeted the page: the next loss waits the shortest time again. */
    ok() {
      attempt = 0;
    },
    /** Closes the socket for good: no more tries. */
    close() {
      closed = true;
      clearTimeout(retryTimer);
      ws?.close();
    },
  };
  connect();
  return socket;
}
