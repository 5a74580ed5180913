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
  });

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
  function select(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => {
      row.classList.toggle("is-current", i === current);
      if (i === current) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
    const link = all[current].querySelector(".mention-link");
    if (link) link.focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }
  const currentRow = () => rows()[current];

  // A change to one queue row from the keyboard, made in place: the row is swapped (or leaves
  // the queue) and the j / k position stays; resolve and ignore offer Undo for a few seconds.
  async function rowChange(row, url, fields) {
    const body = new FormData();
    Object.entries({ ...fields, row: "1" }).forEach(([name, value]) => body.append(name, value));
    const answer = await fetch(url, { method: "POST", body, headers: { "X-CSRFToken": csrf(), "HX-Request": "true" } });
    if (!answer.ok) { location.reload(); return; }
    const change = await answer.json();
    const index = rows().indexOf(row);
    if (change.row) { row.outerHTML = change.row; } else { row.remove(); }
    select(Math.min(index, rows().length - 1));
    if (change.error) toast(change.error);
    if (change.undo) toast(change.undo.message, change.undo, index);
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
        const tbody = document.getElementById("queue-rows");
        if (change.row && tbody) {
          const all = rows();
          const holder = document.createElement("tbody");
          holder.innerHTML = change.row;
          const back = holder.firstElementChild;
          if (all[index]) all[index].before(back); else tbody.prepend(back);
          select(index);
        }
      });
      item.appendChild(button);
    }
    area.appendChild(item);
    setTimeout(() => item.remove(), 8000);
  }

  // r from the queue opens the mention at #reply: the composer has the focus there.
  window.addEventListener("load", () => {
    if (location.hash !== "#reply" || !document.querySelector("[data-mention-page]")) return;
    const box = document.querySelector("#reply-text") || document.querySelector("#reply");
    if (box) { box.focus(); box.scrollIntoView({ block: "center" }); }
  });

  function showShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-show-shortcuts]")) showShortcuts();
  });

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
      x: () => { if (row) { const box = row.querySelector("input[name=mention]"); box.checked = !box.checked; countSelected(); } },
      o: () => { if (row) location.href = row.dataset.openUrl; },
      r: () => {
        if (page) { const box = document.querySelector("#reply-text") || document.querySelector("#reply"); if (box) { box.focus(); box.scrollIntoView({ block: "center" }); } }
        else if (row) location.href = row.dataset.openUrl + "#reply";
      },
      a: () => { if (page) post(page.dataset.assignUrl, { assignee: "me" }); else if (row) rowChange(row, row.dataset.assignUrl, { assignee: "me" }); },
      e: () => { if (page) post(page.dataset.statusUrl, { status: "resolved" }); else if (row) rowChange(row, row.dataset.statusUrl, { status: "resolved" }); },
      l: () => {
        if (page) { const label = document.getElementById("label-select"); if (label) label.focus(); }
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
