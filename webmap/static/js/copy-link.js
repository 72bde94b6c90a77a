/* "Copy link": the button in every page's bar copies the page's address, which carries the whole view
   (the map keeps it up to date as it moves: centre, zoom, filters, the open feature, the panels' queries,
   the proposal's corners), and says so. Where the browser keeps the clipboard from the page (plain http
   from another host than this machine), the address is shown selected, to copy by hand. */
const button = document.getElementById("hp-copy-link");
const status = document.getElementById("hp-copy-status");

async function copy() {
  const url = window.location.href;
  status.textContent = "";
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = button.dataset.copied;
  } catch (error) {
    const field = document.createElement("input");
    field.readOnly = true;
    field.value = url;
    field.setAttribute("aria-label", button.dataset.manual);
    status.append(button.dataset.manual + " ", field);
    field.select();
  }
  status.hidden = false;
}

if (button && status) {
  button.addEventListener("click", copy);
  document.addEventListener("click", (event) => { // any click elsewhere puts the note away
    if (!button.contains(event.target) && !status.contains(event.target)) status.hidden = true;
  });
}
