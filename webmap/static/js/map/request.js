/* Asking the app's API from a panel. A refused request is explained in the server's own words (its
   JSON "description", in the page's language); a server that cannot be reached, or that answers with
   something other than JSON (a proxy's error page, a crash), in the page's words, never a parser's. */
import { msg } from "./page.js";

/** The JSON body of ``url``'s answer (``options`` as fetch's); rejects with an Error a user can read. */
export async function requestJson(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    throw new Error(msg.request_unreachable);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    // not JSON: said below
  }
  if (response.ok && body !== null) return body;
  if (body && body.description) throw new Error(body.description);
  throw new Error(msg.request_failed.replace("%(status)s", String(response.status)));
}
