// The link to Rasa's socket.io channel (credentials.yml: user_uttered / bot_uttered, session
// persistence on). After every (re)connect the client asks for its session with
// `session_request`; Rasa puts the socket in that session's room and answers `session_confirm`.
// Messages typed before the confirmation wait in a queue: sent earlier, their replies would go to
// a room this socket is not in yet.
//
// The server issues the session: `session_confirm` carries the token this socket now holds (the
// one sent, when the server issued it earlier, or a new one). The widget keeps whatever the server
// confirms (onSession) and sends it on the next connect, so a reload resumes the conversation;
// an id the server did not issue is never trusted.
//
// A message may carry metadata ({language: "es"}: the widget's language hint, which the bot reads
// when a conversation starts); the server keeps only the fields it knows (channels/metadata.py).

import { io } from "socket.io-client";

export const USER_EVENT = "user_uttered";
export const BOT_EVENT = "bot_uttered";

/**
 * @typedef {"connecting" | "online" | "offline"} LinkStatus
 * @typedef {{
 *   serverUrl: string, socketPath: string, transports: string[], sessionId: string,
 *   onBotMessage: (payload: unknown) => void, onStatus: (status: LinkStatus) => void,
 *   onReady: () => void, onSession?: (token: string) => void
 * }} LinkOptions
 */

/**
 * Open (lazily: call connect()) a socket.io link for one conversation.
 * @param {LinkOptions} options
 */
export function createLink(options) {
  const { onBotMessage, onStatus, onReady } = options;
  let sessionId = options.sessionId;
  const socket = io(options.serverUrl, {
    path: options.socketPath,
    transports: options.transports,
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10000,
  });
  /** @type {{message: string, metadata?: Record<string, string>}[]} */
  const queue = [];
  let confirmed = false;

  const emit = ({ message, metadata }) => socket.emit(USER_EVENT,
    metadata ? { message, session_id: sessionId, metadata } : { message, session_id: sessionId });

  socket.on("connect", () => {
    confirmed = false;
    onStatus("connecting");
    socket.emit("session_request", { session_id: sessionId });
  });
  socket.on("session_confirm", (confirmedId) => {
    // The server confirms the session token this socket holds: keep it for the next reload.
    const id = typeof confirmedId === "string" ? confirmedId : confirmedId && confirmedId.session_id;
    if (typeof id !== "string" || !id) return;
    if (id !== sessionId) {
      sessionId = id;
      if (options.onSession) options.onSession(id);
    }
    confirmed = true;
    onStatus("online");
    while (queue.length) emit(queue.shift());
    onReady();
  });
  socket.on(BOT_EVENT, (payload) => onBotMessage(payload));
  socket.on("disconnect", () => {
    confirmed = false;
    onStatus("offline");
  });
  socket.on("connect_error", () => onStatus("offline"));

  return {
    /** Connect (no-op when already connected or connecting). */
    connect() {
      if (!socket.connected && !socket.active) socket.connect();
    },
    /**
     * Send a user message (text or a /payload), now or as soon as the session is confirmed.
     * @param {string} message
     * @param {Record<string, string>} [metadata] e.g. {language: "es"}
     */
    send(message, metadata) {
      const item = metadata && Object.keys(metadata).length ? { message, metadata } : { message };
      if (confirmed && socket.connected) emit(item);
      else queue.push(item);
    },
    close() {
      socket.close();
    },
    /** The socket's id once the session is confirmed (the photo upload proves its session with it). */
    socketId() {
      return confirmed && socket.connected ? socket.id : "";
    },
  };
}
