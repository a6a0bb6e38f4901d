// factdb report: the claims table, sorted, filtered and paged in the page. Everything is built
// with textContent, never innerHTML, so no claim text can become markup here either.
(function () {
  "use strict";
  const PAGE = 100;
  const table = document.getElementById("claims-table");
  if (!table) {
    return;
  }
  const statusNames = JSON.parse(document.getElementById("status-names").textContent);
  const statusOrder = Object.keys(statusNames);
  const rows = [];
  for (const block of document.querySelectorAll("script.claims-page")) {
    for (const row of JSON.parse(block.textContent)) {
      rows.push(row);
    }
  }
  const controls = {
    status: document.getElementById("filter-status"),
    claimant: document.getElementById("filter-claimant"),
    tag: document.getElementById("filter-tag"),
    text: document.getElementById("filter-text"),
  };
  const body = table.tBodies[0];
  const state = { key: "id", direction: 1, page: 0 };

  function fillOptions(select, values) {
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    }
  }
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  fillOptions(controls.claimant, [...new Set(rows.map((row) => row.claimant).filter(Boolean))].sort(collator.compare));
  fillOptions(controls.tag, [...new Set(rows.flatMap((row) => row.tags))].sort(collator.compare));

  function matches(row, words) {
    if (controls.status.value && row.status !== controls.status.value) return false;
    if (controls.claimant.value && row.claimant !== controls.claimant.value) return false;
    if (controls.tag.value && !row.tags.includes(controls.tag.value)) return false;
    if (words.length) {
      const haystack = (row.text + " " + row.claimant + " " + row.label + " " + row.tags.join(" ")).toLocaleLowerCase();
      return words.every((word) => haystack.includes(word));
    }
    return true;
  }

  function compare(a, b) {
    let result;
    if (state.key === "status") {
      result = statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status);
    } else if (state.key === "id" || state.key === "reviews") {
      result = a[state.key] - b[state.key];
    } else {
      result = collator.compare(a[state.key], b[state.key]);
    }
    return (result || a.id - b.id) * state.direction;
  }

  function cell(tr, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  }

  function renderRow(row) {
    const tr = document.createElement("tr");
    tr.dataset.status = row.status;
    const link = document.createElement("a");
    link.href = "#claim-" + row.id;
    link.textContent = String(row.id);
    cell(tr, "num").appendChild(link);
    const badge = document.createElement("span");
    badge.className = "badge st-" + row.status;
    badge.textContent = statusNames[row.status] || row.status;
    if (row.label && row.label !== badge.textContent) {
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = " (" + row.label + ")";
      badge.appendChild(label);
    }
    cell(tr).appendChild(badge);
    cell(tr, "claimant").textContent = row.claimant;
    cell(tr, "text").textContent = row.text;
    cell(tr, "tags").textContent = row.tags.join(", ");
    cell(tr, "num").textContent = String(row.reviews);
    return tr;
  }

  function render() {
    const words = controls.text.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const found = rows.filter((row) => matches(row, words)).sort(compare);
    const pages = Math.max(1, Math.ceil(found.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * PAGE;
    const shown = found.slice(start, start + PAGE);
    body.replaceChildren(...shown.map(renderRow));
    document.getElementById("table-status").textContent = found.length
      ? "Showing " + (start + 1) + "–" + (start + shown.length) + " of " + found.length +
        " matching claims (" + rows.length + " in the report)."
      : "No claim matches (" + rows.length + " in the report).";
    document.getElementById("page-position").textContent = "Page " + (state.page + 1) + " of " + pages;
    document.getElementById("page-previous").disabled = state.page === 0;
    document.getElementById("page-next").disabled = state.page >= pages - 1;
    for (const th of table.tHead.querySelectorAll("th")) {
      const button = th.querySelector("button");
      if (button && button.dataset.sort === state.key) {
        th.setAttribute("aria-sort", state.direction > 0 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    }
  }

  for (const control of Object.values(controls)) {
    control.addEventListener("input", () => {
      state.page = 0;
      render();
    });
  }
  document.getElementById("claim-controls").addEventListener("submit", (event) => event.preventDefault());
  for (const button of table.tHead.querySelectorAll("button[data-sort]")) {
    button.addEventListener("click", () => {
      state.direction = state.key === button.dataset.sort ? -state.direction : 1;
      state.key = button.dataset.sort;
      render();
    });
  }
  document.getElementById("page-previous").addEventListener("click", () => {
    state.page -= 1;
    render();
  });
  document.getElementById("page-next").addEventListener("click", () => {
    state.page += 1;
    render();
  });
  render();
})();

// Large reports keep each claim's card in a <template> (see the page's note); following a link to
// a claim moves its card into the page and scrolls to it. Cards are the server's escaped markup,
// moved as nodes, never parsed from strings here.
(function () {
  "use strict";
  const shown = document.getElementById("shown-cards");
  if (!shown) {
    return;
  }
  function reveal(id) {
    if (!id.startsWith("claim-") || document.getElementById(id)) {
      return document.getElementById(id);
    }
    for (const template of document.querySelectorAll("template.claim-cards")) {
      const card = template.content.getElementById(id);
      if (card) {
        shown.appendChild(card);
        return card;
      }
    }
    return null;
  }
  function followHash() {
    const card = reveal(decodeURIComponent(window.location.hash.slice(1)));
    if (card && card.classList.contains("claim")) {
      card.classList.add("opened");
      card.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", followHash);
  followHash();
})();
