// Bot and tax-pro text as safe HTML: Markdown (bold, italics, links, lists, line breaks) through
// marked, raw HTML escaped to text, and the result sanitised by DOMPurify with a short allow-list.
// User text never goes through here: it is always set as textContent.

import createDOMPurify from "dompurify";
import { Marked } from "marked";

const ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "del", "a", "ul", "ol", "li",
  "code", "pre", "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td"];
const ALLOWED_ATTR = ["href", "title", "target", "rel", "start", "align"];
const SAFE_URL = /^(?:https?:|mailto:|tel:)/i;

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {string} s */
export function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * A renderer bound to one window (the page's, or jsdom's in tests).
 * @param {Window} win
 * @returns {(text: string) => string} Markdown to sanitised HTML
 */
export function createMarkdown(win) {
  const purify = createDOMPurify(win);
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    const href = node.getAttribute("href") || "";
    if (!SAFE_URL.test(href)) {
      node.removeAttribute("href");
      return;
    }
    // Links leave the chat: new tab, and the opened page gets no handle on this one.
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  });

  const marked = new Marked({
    gfm: true,
    breaks: true, // the bot's single newlines are line breaks
    async: false,
    renderer: {
      // Markdown allows raw HTML; a message is never allowed to carry markup: show it as text.
      html: ({ text }) => escapeHtml(text),
      // Images only come as attachments, never from text.
      image: ({ text }) => escapeHtml(text || ""),
      // Headings would shout inside a chat bubble.
      heading({ tokens }) {
        return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>`;
      },
    },
  });

  return (text) => {
    const html = /** @type {string} */ (marked.parse(String(text)));
    return purify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
  };
}
