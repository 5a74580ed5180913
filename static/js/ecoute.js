// Small progressive enhancements; every page works without them.
(() => {
  "use strict";
  const csrf = () => (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("select[data-autosubmit]")) target.form.requestSubmit();
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll("#queue-rows input[name=mention]").forEach((box) => { box.checked = target.checked; });
    }
    if (target.matches("[data-select-all], #queue-rows input[name=mention]")) countSelected();
  });

  function countSelected() {
    const out = document.querySelector("[data-selected-count]");
    if (!out) return;
    const n = document.querySelectorAll("#queue-rows input[name=mention]:checked").length;
    out.textContent = n ? `${n} ✓` : "";
  }

  // Bulk actions: say what is missing without losing the selection, and ask before taking
  // mentions someone else is working on. The server checks both again.
  const text = (name) => ((document.querySelector(`template[data-text="${name}"]`) || {}).content || {}).textContent || "";
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "bulk-form") return;
    const problem = form.querySelector("[data-bulk-problem]");
    const action = form.querySelector("#bulk-action").value;
    problem.hidden = true;
    if (action === "relabel" && !form.querySelector("#bulk-label").value) {
      event.preventDefault();
      problem.textContent = text("label-missing");
      problem.hidden = false;
      form.querySelector("#bulk-label").focus();
      return;
    }
    if (action === "assign_me") {
      const names = Array.from(document.querySelectorAll("#queue-rows input[name=mention]:checked"))
        .map((box) => box.closest("tr").dataset.assignee).filter(Boolean);
      const take = form.querySelector("input[name=take_from_others]");
      take.value = "";
      if (names.length) {
        if (!window.confirm(text("taken").replace("%(names)s", [...new Set(names)].join(", ")))) {
          event.preventDefault();
          return;
        }
        take.value = "1";
      }
    }
    bulkInPlace(event, form);
  });
  // The bulk action, answered in place: the selected rows are swapped or leave the list, the
  // j / k position stays, and the open mention's pane follows.
  async function bulkInPlace(event, form) {
    if (event.defaultPrevented || !window.fetch) return;
    event.preventDefault();
    const body = new FormData(form);
    body.append("rows", "1");
    // form.action would be the select named "action": the address is read from the attribute.
    const answer = await fetch(form.getAttribute("action"), { method: "POST", body, headers: { "X-CSRFToken": csrf() } }).catch(() => null);
    if (!answer || !answer.ok) { form.submit(); return; }
    const change = await answer.json();
    const keep = Math.max(current, 0);
    const open = { changed: false, left: false };
    Object.entries(change.rows || {}).forEach(([pk, html]) => {
      const row = rows().find((r) => r.dataset.pk === pk);
      if (!row) return;
      if (pk === openPk()) { open.changed = true; open.left = !html; }
      rowSwap(row, html);
    });
    document.querySelectorAll("#queue-rows input[name=mention]:checked, [data-select-all]").forEach((box) => { box.checked = false; });
    countSelected();
    if (current >= 0) select(Math.min(keep, rows().length - 1), { open: false });
    paneFollow(open);
    queueChanged();
    (change.messages || []).forEach((message) => toast(message.text));
  }

  // Posting a one-field form, as the buttons on the mention page do.
  function post(url, fields) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    Object.entries({ csrfmiddlewaretoken: csrf(), next: location.pathname + location.search, ...fields })
      .forEach(([name, value]) => {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = name; input.value = value;
        form.appendChild(input);
      });
    document.body.appendChild(form);
    form.submit();
  }

  // Queue row selection for j / k; the selected row is marked for screen readers too.
  const rows = () => Array.from(document.querySelectorAll("tr[data-mention]"));
  let current = -1;
  function select(index, { open = true } = {}) {
    const all = rows();
    if (!all.length) { current = -1; return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => {
      row.classList.toggle("is-current", i === current);
      if (i === current) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
    const link = all[current].querySelector(".mention-link");
    if (link) link.focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
    if (open) openSoon(all[current]);
  }
  const currentRow = () => rows()[current];

  // The inbox's reading pane (wide screens): the selected mention opens beside the list,
  // swapped in by HTMX, and the address follows it (?open=<id>) so that a link or a reload
  // shows the same mention and Back goes to the previous one. Below 900 px, or without
  // JavaScript, rows link to the mention's own page.
  const inbox = () => document.querySelector("[data-inbox]");
  const wide = () => window.matchMedia("(min-width: 901px)").matches;
  const openPk = () => new URLSearchParams(location.search).get("open");
  function paneUrl(pk) {
    const url = new URL(location.href);
    url.searchParams.delete("after");
    url.searchParams.set("open", pk);
    return url.pathname + url.search;
  }
  function openInPane(row, { history = "push", then } = {}) {
    const box = inbox();
    if (!box || !wide() || !window.htmx) return false;
    const pane = document.getElementById("pane");
    if (openPk() === row.dataset.pk && pane.querySelector("[data-mention-page]")) {
      if (then) then();
      return true;
    }
    paneLeave();
    pane.classList.add("is-loading");
    htmx.ajax("GET", paneUrl(row.dataset.pk), {
      target: "#pane", swap: "innerHTML", headers: { "X-Pane-History": history },
    }).then(() => {
      pane.classList.remove("is-loading");
      pane.scrollTop = 0;
      box.classList.toggle("has-open", Boolean(pane.querySelector("[data-mention-page]")));
      if (then) then();
    });
    return true;
  }
  // j / k open the mention they land on once the keys rest (no request per key press), and
  // replace the address rather than stacking an entry per row in the history.
  let openTimer = null;
  function openSoon(row) {
    if (!inbox() || !wide()) return;
    clearTimeout(openTimer);
    openTimer = setTimeout(() => openInPane(row, { history: "replace" }), 180);
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-inbox] .mention-link");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const row = link.closest("tr[data-mention]");
    if (!row || !wide()) return;
    event.preventDefault();
    select(rows().indexOf(row), { open: false });
    openInPane(row);
  });
  // The row of the mention open in the pane is the current one: on load, and after Back or
  // Forward (htmx restores the page from the server: the list is as it is now).
  function syncWithAddress() {
    const pk = openPk();
    const all = rows();
    const index = pk ? all.findIndex((row) => row.dataset.pk === pk) : -1;
    if (index >= 0) select(index, { open: false });
    else { current = -1; all.forEach((row) => { row.classList.remove("is-current"); row.removeAttribute("aria-current"); }); }
  }
  document.addEventListener("htmx:historyRestore", syncWithAddress);
  if (inbox()) syncWithAddress();
  const queueChanged = () => document.body.dispatchEvent(new Event("queue-changed"));

  // A change to one queue row from the keyboard, made in place: the row is swapped (or leaves
  // the queue) and the j / k position stays; resolve and ignore offer Undo for a few seconds.
  async function rowChange(row, url, fields) {
    const body = new FormData();
    Object.entries({ ...fields, row: "1" }).forEach(([name, value]) => body.append(name, value));
    const answer = await fetch(url, { method: "POST", body, headers: { "X-CSRFToken": csrf(), "HX-Request": "true" } });
    if (!answer.ok) { location.reload(); return; }
    const change = await answer.json();
    const index = rows().indexOf(row);
    const wasOpen = openPk() === row.dataset.pk;
    rowSwap(row, change.row);
    select(Math.min(index, rows().length - 1), { open: false });
    paneFollow({ changed: wasOpen, left: !change.row });
    queueChanged();
    if (change.error) toast(change.error);
    if (change.undo) toast(change.undo.message, change.undo, index);
  }
  // A row as the server now draws it, or out of the list ("": it left the open queue).
  function rowSwap(row, html) {
    if (!html) { row.remove(); return; }
    const holder = document.createElement("tbody");
    holder.innerHTML = html;
    row.replaceWith(holder.firstElementChild);
  }
  // A row put back where it stood (Undo): at `index` of the list, or last.
  function rowInsert(row, index) {
    const at = rows()[index];
    const tbody = document.getElementById("queue-rows");
    if (at) at.before(row); else if (tbody) tbody.append(row);
  }
  // After rows changed in place, the pane follows its mention: redrawn when its row changed, the
  // next row opened when it left the list (unless the person chose to stay).
  function paneFollow({ changed, left }) {
    if (!changed) return;
    const box = inbox();
    const stay = box && box.dataset.afterResolving === "stay";
    if (left && !stay && currentRow()) openInPane(currentRow());
    else refreshPane();
  }
  // Leaving the mention in the pane (another one opens, or the page closes) tells the others at
  // once, rather than when its presence runs out.
  function paneLeave() {
    const box = document.querySelector("#pane #presence-box");
    const url = box && box.getAttribute("hx-post");
    if (!url) return;
    const body = new FormData();
    body.append("leave", "1");
    fetch(url, { method: "POST", body, keepalive: true, headers: { "X-CSRFToken": csrf() } }).catch(() => {});
  }
  window.addEventListener("pagehide", paneLeave);

  // The pane's forms post in place (complaints.views.pane_answer). They say which row follows
  // the open one in this list, so that resolving opens the next mention the person sees.
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt;
    if (!form || !form.matches || !form.matches("#pane form[data-pane-form]")) return;
    const all = rows();
    const index = all.findIndex((r) => r.dataset.pk === openPk());
    const following = index >= 0 ? (all[index + 1] || all[index - 1]) : null;
    if (following) event.detail.parameters.following = following.dataset.pk;
  });
  // Their answer: the pane re-rendered, carrying the changed mention's row for the list (in
  // #pane-changed-row) — swapped, taken out, or put back where it was (Undo); the row of the
  // mention now shown becomes the current one, and the messages show as toasts.
  let removed = null;  // {pk, index}: the last row a pane form took out of the list
  let change = null;  // the pane-changed event's detail, until the pane is swapped
  document.addEventListener("pane-changed", (event) => {
    change = event.detail;
    if (String(change.shown) !== String(change.pk)) paneLeave();  // the pane still shows the one left
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!change || !event.detail.target || event.detail.target.id !== "pane") return;
    const done = change;
    change = null;
    const pk = String(done.pk);
    const holder = document.getElementById("pane-changed-row");
    const fresh = holder && holder.content.firstElementChild ? document.importNode(holder.content.firstElementChild, true) : null;
    if (holder) holder.remove();
    const all = rows();
    const row = all.find((r) => r.dataset.pk === pk);
    if (row && fresh) row.replaceWith(fresh);
    else if (row) { removed = { pk, index: all.indexOf(row) }; row.remove(); }
    else if (fresh && removed && removed.pk === pk) {
      rowInsert(fresh, removed.index);
      removed = null;
    }
    if (String(done.shown) !== pk) event.detail.target.scrollTop = 0;
    const shown = rows().findIndex((r) => r.dataset.pk === String(done.shown));
    if (shown >= 0) select(shown, { open: false });
    queueChanged();
    (done.messages || []).forEach((message) => toast(message.text));
  });

  function refreshPane() {
    const pane = document.getElementById("pane");
    if (pane && openPk() && window.htmx) htmx.ajax("GET", location.pathname + location.search, { target: "#pane", swap: "innerHTML", headers: { "X-Pane-History": "none" } });
  }
  function toast(message, undo, index) {
    const area = document.getElementById("toasts");
    if (!area) return;
    const item = document.createElement("div");
    item.className = "toast";
    item.textContent = message + " ";
    if (undo) {
      const button = document.createElement("button");
      button.type = "button"; button.className = "link-button"; button.textContent = undo.label;
      button.addEventListener("click", async () => {
        item.remove();
        const body = new FormData();
        body.append("status", undo.status); body.append("row", "1");
        const answer = await fetch(undo.url, { method: "POST", body, headers: { "X-CSRFToken": csrf(), "HX-Request": "true" } });
        const change = answer.ok ? await answer.json() : {};
        if (change.row && document.getElementById("queue-rows")) {
          const holder = document.createElement("tbody");
          holder.innerHTML = change.row;
          const back = holder.firstElementChild;
          rowInsert(back, index);
          select(index, { open: false });
          if (inbox() && wide()) openInPane(back);
          queueChanged();
        }
      });
      item.appendChild(button);
    }
    area.appendChild(item);
    setTimeout(() => item.remove(), 8000);
  }

  // r from the queue opens the mention at #reply: the composer has the focus there.
  function focusComposer() {
    const box = document.querySelector("#reply-text:not([disabled])") || document.querySelector("#reply");
    if (!box) return;
    if (box.id === "reply") box.setAttribute("tabindex", "-1");
    box.focus();
    box.scrollIntoView({ block: "center" });
  }
  window.addEventListener("load", () => {
    if (location.hash === "#reply" && document.querySelector("[data-mention-page]")) focusComposer();
  });

  function showShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-show-shortcuts]")) showShortcuts();
  });

  // Ctrl+Enter (⌘+Enter) in the composer sends the reply, as in mail clients.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest("[data-composer]");
    const send = form && form.querySelector("#send-reply");
    if (send && !send.disabled) { event.preventDefault(); form.requestSubmit(send); }
  });
  // z: the Undo on offer (a toast's, or the pane's after resolving from it).
  function undoLast() {
    const toastUndo = Array.from(document.querySelectorAll("#toasts .toast button")).pop();
    const paneUndo = document.getElementById("undo");
    const button = toastUndo || paneUndo;
    if (button) button.click();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const page = document.querySelector("[data-mention-page]");
    const row = currentRow();
    const actions = {
      "?": showShortcuts,
      "/": () => { const q = document.querySelector("[data-shortcut='/']"); if (q) q.focus(); },
      c: () => { const search = document.querySelector("[data-canned-search]"); if (search) search.focus(); },
      j: () => select(current + 1),
      k: () => select(current - 1),
      t: () => { const take = document.getElementById("take-next"); if (take) take.click(); },
      z: undoLast,
      x: () => { if (row) { const box = row.querySelector("input[name=mention]"); box.checked = !box.checked; countSelected(); } },
      o: () => { if (row && !openInPane(row)) location.href = row.dataset.openUrl; },
      r: () => {
        if (row && inbox()) { if (!openInPane(row, { then: focusComposer })) location.href = row.dataset.openUrl + "#reply"; }
        else if (page) focusComposer();
        else if (row) location.href = row.dataset.openUrl + "#reply";
      },
      // In the inbox the current row is the one open in the pane: changed in place, the list keeps its place.
      a: () => { if (row) rowChange(row, row.dataset.assignUrl, { assignee: "me" }); else if (page) post(page.dataset.assignUrl, { assignee: "me" }); },
      e: () => { if (row) rowChange(row, row.dataset.statusUrl, { status: "resolved" }); else if (page) post(page.dataset.statusUrl, { status: "resolved" }); },
      l: () => {
        const label = document.getElementById("label-select");
        // The mention open in the pane (or on its own page) has its own label box; otherwise
        // the row is ticked for a relabel of the selection.
        if (label && (!row || openPk() === row.dataset.pk)) label.focus();
        else if (row) { const box = row.querySelector("input[name=mention]"); box.checked = true; countSelected();
          const action = document.getElementById("bulk-action"); action.value = "relabel";
          document.getElementById("bulk-label").focus(); }
      },
    };
    // "Check these": y confirms the proposed label, 1–4 give one; then on to the next mention.
    const answer = row && row.querySelector(`.review-form [data-key="${event.key}"]`);
    if (answer) { event.preventDefault(); answer.click(); select(current + 1); return; }
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  if (document.querySelector("[data-review-page] tr[data-mention]")) select(0);

  // Reply composer: length as the platform counts it, preview, canned responses.
  const X_LINK = 23;
  const LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  const LINK = /https?:\/\/\S+|www\.\S+/gi;
  function xLength(text) {
    const links = text.match(LINK) || [];
    let n = links.length * X_LINK;
    for (const char of text.replace(LINK, "")) {
      const code = char.codePointAt(0);
      n += LIGHT.some(([low, high]) => code >= low && code <= high) ? 1 : 2;
    }
    return n;
  }
  // Some platforms count graphemes; "graphemes_links" also counts links as 23 and @user@server as @user.
  const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  function graphemes(text) { return segmenter ? Array.from(segmenter.segment(text)).length : Array.from(text).length; }
  function graphemesLinksLength(text) {
    const links = text.match(/https?:\/\/\S+/gi) || [];
    const rest = text.replace(/https?:\/\/\S+/gi, "").replace(/(^|[^\w\/])@(\w+)@[\w.-]+\w/g, "$1@$2");
    return links.length * X_LINK + graphemes(rest);
  }
  function composerUpdate(form) {
    const text = form.querySelector("textarea[name=text]").value;
    const chosen = form.querySelector("input[name=visibility]:checked");
    const limit = chosen && chosen.dataset.limit ? Number(chosen.dataset.limit) : 0;
    const counting = chosen ? chosen.dataset.counting : "";
    const length = counting === "graphemes_links" ? graphemesLinksLength(text) : counting === "graphemes" ? graphemes(text)
      : chosen && chosen.dataset.xLinks ? xLength(text) : Array.from(text).length;
    const count = form.querySelector("[data-count]");
    count.textContent = limit ? `${length} / ${limit}` : `${length}`;
    count.classList.toggle("over", Boolean(limit) && length > limit);
    form.querySelector("[data-preview]").textContent = text;
  }
  document.querySelectorAll("[data-composer]").forEach(composerUpdate);
  document.addEventListener("htmx:load", (event) => event.target.querySelectorAll("[data-composer]").forEach(composerUpdate));
  document.addEventListener("input", (event) => {
    const form = event.target.closest("[data-composer]");
    if (form && event.target.matches("textarea[name=text]")) composerUpdate(form);
    if (event.target.matches("[data-canned-search]")) {
      const words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll(".canned-item").forEach((item) => {
        const hay = item.textContent.toLowerCase();
        item.parentElement.hidden = !words.every((w) => hay.includes(w));
      });
    }
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest("[data-composer]");
    if (form && event.target.matches("input[name=visibility]")) composerUpdate(form);
  });
  document.addEventListener("click", (event) => {
    const item = event.target.closest("[data-canned-text]");
    if (!item) return;
    const form = item.closest("[data-composer]");
    const box = form.querySelector("textarea[name=text]");
    const start = box.selectionStart ?? box.value.length;
    box.value = box.value.slice(0, start) + item.dataset.cannedText + box.value.slice(box.selectionEnd ?? start);
    composerUpdate(form);
    box.focus();
  });
  document.addEventListener("keydown", (event) => {
    // In the canned search, Enter inserts the first visible canned response.
    if (event.key === "Enter" && event.target.matches("[data-canned-search]")) {
      event.preventDefault();
      const first = Array.from(document.querySelectorAll(".canned-item")).find((i) => !i.parentElement.hidden);
      if (first) first.click();
    }
  });

  // The mention page tells the others when this person is writing a reply.
  document.addEventListener("focusin", (event) => {
    const activity = document.getElementById("presence-activity");
    if (activity && event.target.closest("#reply textarea")) {
      activity.value = "replying";
      document.body.dispatchEvent(new Event("presence-changed"));
    }
  });
})();
