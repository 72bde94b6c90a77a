/* Building the interface: attribute values are data, never markup, so every text goes in as a text node. */

/** A new element: el("a", {href, text, class}, [children]); null, undefined and "" children are skipped. */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) {
    if (child === null || child === undefined || child === "") continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** A link's URL when it is a web address (http or https), else null: no javascript: or data: link. */
export function safeUrl(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

/** Load a stylesheet once; a promise. The URLs come versioned from the page's config. */
const styles = {};
export function loadStyle(url) {
  if (!styles[url]) {
    styles[url] = new Promise((resolve, reject) => {
      const link = el("link", { rel: "stylesheet", href: url });
      link.onload = resolve;
      link.onerror = () => { delete styles[url]; link.remove(); reject(new Error("could not load " + url)); };
      document.head.appendChild(link);
    });
  }
  return styles[url];
}
