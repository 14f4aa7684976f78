// kg explorer: search -> neighbourhood (cytoscape.js) -> edge evidence -> document with the span
// highlighted in the original text; competency queries run on /sparql.  No build step.
"use strict";

const COLORS = {
  Person: "#c0392b", Post: "#f4c542", Organization: "#337ab7", Place: "#5cb85c",
  Project: "#8e44ad", Action: "#e67e22", Cluster: "#16a085", Document: "#7f8c8d",
};
const state = { center: null, stats: null, cy: null };

const $ = (sel) => document.querySelector(sel);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c.nodeType ? c : String(c));
  return e;
}
async function api(path, params) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {})) if (v != null) url.searchParams.set(k, v);
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}
function typeBadge(t) {
  return el("span", { class: "type", style: `background:${COLORS[t] || "#999"}` }, t || "?");
}
function showError(where, err) {
  where.replaceChildren(el("p", { class: "error" }, String(err.message || err)));
}

// ---- graph -------------------------------------------------------------------------------
function initCy() {
  state.cy = cytoscape({
    container: $("#cy"),
    wheelSensitivity: 0.3,
    maxZoom: 1.4,
    minZoom: 0.1,
    style: [
      { selector: "node", style: {
        "background-color": (n) => COLORS[n.data("type")] || "#999",
        label: "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3,
        width: 22, height: 22, "text-wrap": "ellipsis", "text-max-width": 120 } },
      { selector: "node[?center]", style: { width: 34, height: 34, "border-width": 3, "border-color": "#222" } },
      { selector: "edge", style: {
        width: 2, "line-color": "#9aa8b5", "target-arrow-color": "#9aa8b5",
        "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(relation)",
        "font-size": 9, color: "#555", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: ":selected", style: { "line-color": "#e8a33d", "target-arrow-color": "#e8a33d",
        "border-width": 3, "border-color": "#e8a33d", width: 4 } },
    ],
  });
  window.kgCy = state.cy;   // for the browser test and the console
  state.cy.on("tap", "edge", (ev) => showEdge(ev.target.data()));
  state.cy.on("tap", "node", (ev) => showNode(ev.target.id()));
}

function selected(box) {
  return [...box.querySelectorAll("input:checked")].map((i) => i.value);
}

async function explore(id) {
  state.center = id;
  const rels = selected($("#rel-filters"));
  const types = selected($("#type-filters"));
  const params = { id, depth: $("#depth").value, documents: $("#documents").checked ? 1 : 0 };
  if (state.stats) {
    if (rels.length !== $("#rel-filters").querySelectorAll("input").length) params.relations = rels.join(",");
    if (types.length !== $("#type-filters").querySelectorAll("input").length) params.types = types.join(",");
  }
  let data;
  try {
    data = await api("/api/neighbourhood", params);
  } catch (err) { showError($("#details"), err); return; }
  const cy = state.cy;
  cy.elements().remove();
  cy.add(data.nodes.map((n) => ({ group: "nodes", data: n })));
  cy.add(data.edges.map((e) => ({ group: "edges", data: e })));
  cy.layout({ name: data.nodes.length > 60 ? "cose" : "concentric", animate: false,
    concentric: (n) => (n.data("center") ? 10 : 1), levelWidth: () => 1, minNodeSpacing: 30,
    padding: 30 }).run();
  const c = data.nodes.find((n) => n.center);
  $("#center-name").textContent = c ? `${c.name} (${c.type}): ${data.nodes.length} nodes, ${data.edges.length} edges` : "";
  $("#truncated").textContent = data.truncated ? "(cut: too many neighbours)" : "";
  document.body.dataset.nodes = String(data.nodes.length);
  showNode(id);
}

// ---- details -----------------------------------------------------------------------------
async function showNode(id) {
  let n;
  try { n = await api("/api/node", { id }); } catch (err) { showError($("#details"), err); return; }
  const dl = el("dl", {});
  const add = (k, v) => { if (v != null && v !== "" && !(Array.isArray(v) && !v.length)) dl.append(el("dt", {}, k), el("dd", {}, Array.isArray(v) ? v.join("、") : v)); };
  add("id", n.id); add("aliases", n.aliases); add("subtype", n.subtype); add("documents", n.docs);
  add("degree", n.degree); add("title", n.title); add("path", n.path);
  const box = el("div", {}, el("h2", {}, n.name, typeBadge(n.type)), dl);
  if (n.id !== state.center) box.append(el("button", { type: "button", onclick: () => explore(n.id) }, "Centre here"));
  $("#details").replaceChildren(box);
  $("#evidence").replaceChildren();
  if (n.type === "Document") showDocument(n.id, null, null);
  else $("#doc-view").replaceChildren();
}

async function showEdge(e) {
  let d;
  try {
    d = await api("/api/edge", { source: e.source, target: e.target, relation: e.relation });
  } catch (err) { showError($("#evidence"), err); return; }
  $("#details").replaceChildren(el("h2", { id: "edge-title" },
    d.source_node.name, " —", d.relation, "→ ", d.target_node.name),
    el("p", { class: "meta" }, `confidence ${d.confidence}, ${d.evidence.length} evidence sentence(s)`));
  const list = el("div", {});
  d.evidence.forEach((ev, i) => {
    const item = el("div", { class: "ev", "data-doc": ev.doc },
      el("div", { class: "sentence" }, ev.sentence),
      el("div", { class: "meta" }, `${ev.doc} · sentence ${ev.sentence_index} · ${ev.extractor} · ${ev.confidence}`));
    item.addEventListener("click", () => {
      list.querySelectorAll(".ev").forEach((x) => x.classList.remove("active"));
      item.classList.add("active");
      showDocument(ev.document, ev.orig_start, ev.orig_end);
    });
    list.append(item);
    if (i === 0) item.classList.add("active");
  });
  $("#evidence").replaceChildren(el("h2", {}, "Evidence"), list);
  if (d.evidence.length) showDocument(d.evidence[0].document, d.evidence[0].orig_start, d.evidence[0].orig_end);
  else $("#doc-view").replaceChildren();
}

async function showDocument(id, start, end) {
  const view = $("#doc-view");
  let d;
  const params = { id };
  if (start != null && start >= 0 && end != null && end >= 0) { params.start = start; params.end = end; }
  try { d = await api("/api/document", params); } catch (err) { showError(view, err); return; }
  const text = el("div", { id: "doc-text" });
  for (const s of d.segments) text.append(s.mark ? el("mark", {}, s.text) : document.createTextNode(s.text));
  view.replaceChildren(el("div", { class: "doc-head" }, `Document ${d.name}`),
    el("div", { class: "meta" }, `${d.path || ""} · ${d.encoding || ""} · ${d.chars} characters` +
      (d.span ? ` · span ${d.span[0]}–${d.span[1]}` : "")),
    ...(d.error ? [el("p", { class: "error" }, d.error)] : []), text);
  const mark = text.querySelector("mark");
  if (mark) text.scrollTop = Math.max(0, mark.offsetTop - text.offsetTop - 60);
}

// ---- search ------------------------------------------------------------------------------
async function search(q) {
  const ul = $("#results");
  if (!q.trim()) return;
  let data;
  try { data = await api("/api/search", { q, limit: 30 }); } catch (err) { showError(ul, err); return; }
  ul.replaceChildren();
  if (!data.results.length) ul.append(el("li", { class: "hint" }, "no match"));
  for (const r of data.results) {
    const li = el("li", { "data-id": r.id, title: r.aliases.join("、") }, r.name, typeBadge(r.type));
    li.addEventListener("click", () => {
      ul.querySelectorAll("li").forEach((x) => x.classList.remove("active"));
      li.classList.add("active");
      explore(r.id);
    });
    ul.append(li);
  }
  const first = data.results.find((r) => r.type !== "Document") || data.results[0];
  if (first) { ul.querySelector(`li[data-id="${first.id}"]`).classList.add("active"); explore(first.id); }
}

// ---- filters -----------------------------------------------------------------------------
function buildFilters(stats) {
  const mk = (box, names) => {
    box.replaceChildren(...names.map((n) => el("label", {},
      el("input", { type: "checkbox", value: n, checked: "", onchange: () => state.center && explore(state.center) }),
      " ", n)));
  };
  mk($("#rel-filters"), Object.keys(stats.edges).filter((r) => r !== "mentioned_in"));
  mk($("#type-filters"), Object.keys(stats.nodes).filter((t) => t !== "Document"));
  $("#legend").replaceChildren(...Object.keys(stats.nodes).map((t) =>
    el("span", {}, el("i", { style: `background:${COLORS[t] || "#999"}` }), t)));
  const n = Object.values(stats.nodes).reduce((a, b) => a + b, 0);
  const m = Object.values(stats.edges).reduce((a, b) => a + b, 0);
  $("#stats").textContent = `${n} nodes, ${m} edges`;
}

// ---- competency queries ------------------------------------------------------------------
function localId(iri) {
  const m = /\/([a-z]+-[0-9a-f]{16})$/.exec(iri);
  return m ? m[1] : null;
}
async function runQuery() {
  const q = $("#query-text").value;
  const out = $("#sparql-result");
  $("#query-status").textContent = "running…";
  $("#query-csv").href = "/sparql?format=csv&query=" + encodeURIComponent(q);
  let r, body;
  try {
    r = await fetch("/sparql", { method: "POST", body: new URLSearchParams({ query: q }),
      headers: { Accept: "application/sparql-results+json" } });
    body = await r.text();
  } catch (err) { showError(out, err); return; }
  if (!r.ok) { $("#query-status").textContent = ""; showError(out, body); return; }
  const res = JSON.parse(body);
  if ("boolean" in res) { out.replaceChildren(el("p", {}, String(res.boolean))); return; }
  const vars = res.head.vars;
  const table = el("table", {}, el("tr", {}, ...vars.map((v) => el("th", {}, v))));
  for (const b of res.results.bindings) {
    table.append(el("tr", {}, ...vars.map((v) => {
      const t = b[v];
      if (!t) return el("td", {});
      const id = t.type === "uri" ? localId(t.value) : null;
      return el("td", {}, id ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); explore(id); window.scrollTo(0, 0); } }, t.value) : t.value);
    })));
  }
  const cut = r.headers.get("X-KG-Truncated");
  $("#query-status").textContent = `${res.results.bindings.length} row(s)` + (cut ? ` (cut at ${cut})` : "");
  out.replaceChildren(table);
}
async function loadQueries() {
  let qs;
  try { qs = await api("/api/queries"); } catch (err) { showError($("#query-list"), err); return; }
  $("#query-list").replaceChildren(...qs.map((q) => el("button", {
    type: "button", title: q.notes, "data-name": q.name,
    onclick: () => { $("#query-text").value = q.query; $("#query-notes").textContent = q.notes; runQuery(); },
  }, q.question)));
  if (qs.length) { $("#query-text").value = qs[0].query; $("#query-notes").textContent = qs[0].notes; }
}

// ---- start -------------------------------------------------------------------------------
async function start() {
  initCy();
  $("#search-form").addEventListener("submit", (e) => { e.preventDefault(); search($("#q").value); });
  $("#depth").addEventListener("change", () => state.center && explore(state.center));
  $("#documents").addEventListener("change", () => state.center && explore(state.center));
  $("#run-query").addEventListener("click", runQuery);
  try {
    state.stats = await api("/api/stats");
    buildFilters(state.stats);
  } catch (err) { showError($("#details"), err); }
  loadQueries();
  const q = new URLSearchParams(location.search).get("q");
  if (q) { $("#q").value = q; search(q); }
  document.body.dataset.ready = "1";
}
start();
