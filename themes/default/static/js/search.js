/* Site search on top of Pagefind.
 *
 * Chinese queries are folded (NFKC, Traditional -> Simplified, only Chinese
 * characters and digits kept) and cut into overlapping two-character pieces;
 * each piece is an ASCII token the build added to every page's index copy.
 * Pagefind returns pages holding all pieces; only pages whose text really
 * contains the query are kept, and the excerpt is cut around the match.
 * Other queries go to Pagefind unchanged.
 */
(function () {
  "use strict";
  const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  const KEEP = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9]/;
  const TOKEN_RE = /\bq[0-9a-z]{8}\b/g;
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const T = lang === "zh"
    ? { searching: "正在搜索……", none: "没有找到结果。", found: (n) => `找到 ${n} 条结果`, all: "全部",
        kind: "类型", year: "年份", department: "主责单位" }
    : { searching: "Searching…", none: "No results.", found: (n) => `${n} result${n === 1 ? "" : "s"}`, all: "All",
        kind: "Kind", year: "Year", department: "Lead department" };
  let pagefind = null;
  let t2s = {};

  async function load() {
    if (pagefind) return pagefind;
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 30 });
    try {
      const r = await fetch("/pagefind/t2s.json");
      if (r.ok) t2s = await r.json();
    } catch (e) { /* folding falls back to the query as typed */ }
    return pagefind;
  }

  function fold(text) {
    let out = "";
    for (const ch of text.normalize("NFKC")) {
      const s = t2s[ch] || ch;
      if (KEEP.test(s)) out += s;
    }
    return out;
  }

  function b36(n) { return n.toString(36).padStart(4, "0"); }

  function tokens(folded) {
    const seen = new Set();
    const chars = Array.from(folded);
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i], b = chars[i + 1];
      if (/[0-9]/.test(a) && /[0-9]/.test(b)) continue;
      seen.add("q" + b36(a.codePointAt(0)) + b36(b.codePointAt(0)));
    }
    return Array.from(seen);
  }

  // Position of the folded query inside the raw text: map folded offsets back.
  function locate(raw, folded, needle) {
    const map = [];
    let f = "";
    const chars = Array.from(raw);
    let pos = 0;
    for (const ch of chars) {
      const s = t2s[ch] || ch.normalize("NFKC");
      for (const c of s) {
        if (KEEP.test(c)) { f += c; map.push(pos); }
      }
      pos += ch.length;
    }
    const at = f.indexOf(needle);
    if (at < 0) return null;
    const start = map[at];
    const endIdx = at + Array.from(needle).length - 1;
    const cp = raw.codePointAt(map[endIdx]);
    return [start, map[endIdx] + (cp > 0xffff ? 2 : 1)];
  }

  function esc(s) {
    return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function excerptAround(raw, span) {
    const [a, b] = span;
    const from = Math.max(0, a - 40), to = Math.min(raw.length, b + 60);
    return (from > 0 ? "…" : "") + esc(raw.slice(from, a)) + "<mark>" + esc(raw.slice(a, b)) + "</mark>" +
      esc(raw.slice(b, to)) + (to < raw.length ? "…" : "");
  }

  async function search(query, filters, limit) {
    limit = limit || 50;
    const pf = await load();
    const q = (query || "").trim();
    if (!q) return [];
    const folded = fold(q);
    const cjk = CJK.test(folded) && Array.from(folded).length >= 2;
    const opts = { filters: filters || {} };
    if (!cjk) {
      const res = await pf.search(q, opts);
      const data = await Promise.all(res.results.slice(0, limit).map((r) => r.data()));
      return data.map((d) => ({ url: d.url, title: d.meta.title || d.url, breadcrumb: d.meta.breadcrumb || "",
                                excerpt: d.excerpt.replace(TOKEN_RE, "") }));
    }
    const res = await pf.search(tokens(folded).join(" "), opts);
    const out = [];
    // verify candidates in batches until enough real matches are found
    const candidates = res.results;
    for (let i = 0; i < candidates.length && out.length < limit; i += 20) {
      const batch = await Promise.all(candidates.slice(i, i + 20).map((r) => r.data()));
      for (const d of batch) {
        const raw = d.content.replace(TOKEN_RE, "").replace(/\s+/g, " ").trim();
        const span = locate(raw, fold(raw), folded);
        if (!span) continue;
        out.push({ url: d.url, title: d.meta.title || d.url, breadcrumb: d.meta.breadcrumb || "",
                   excerpt: excerptAround(raw, span) });
      }
    }
    return out;
  }
  window.siteSearch = search;
  // stock Pagefind, for comparison in tests and benchmarks: /pagefind-stock/ if built
  window.stockSearch = async (q, limit) => {
    const pf = await import("/pagefind-stock/pagefind.js");
    const res = await pf.search(q);
    const data = await Promise.all(res.results.slice(0, limit || 50).map((r) => r.data()));
    return data.map((d) => ({ url: d.url }));
  };

  function currentFilters(form) {
    const f = {};
    form.querySelectorAll("select[data-filter]").forEach((s) => { if (s.value) f[s.dataset.filter] = s.value; });
    return f;
  }

  async function buildFilters(box, params) {
    const pf = await load();
    const all = await pf.filters();
    box.innerHTML = "";
    for (const key of ["kind", "year", "department"]) {
      const values = all[key] || {};
      const names = Object.keys(values).sort();
      if (!names.length) continue;
      const id = "f-" + key;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = T[key];
      const sel = document.createElement("select");
      sel.id = id;
      sel.dataset.filter = key;
      sel.innerHTML = `<option value="">${T.all}</option>` +
        names.map((n) => `<option value="${esc(n)}">${esc(n)} (${values[n]})</option>`).join("");
      sel.value = params.get(key) || "";
      const wrap = document.createElement("span");
      wrap.className = "filter";
      wrap.append(label, sel);
      box.append(wrap);
    }
  }

  async function run(form, list, status) {
    const q = form.querySelector("input[name=q]").value;
    const filters = currentFilters(form);
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    history.replaceState(null, "", "?" + params.toString());
    if (!q.trim()) { list.innerHTML = ""; status.textContent = ""; return; }
    status.textContent = T.searching;
    const results = await search(q, filters);
    list.innerHTML = results.map((r) =>
      `<li class="result"><a href="${esc(r.url)}">${esc(r.title)}</a>` +
      (r.breadcrumb ? `<p class="crumb">${esc(r.breadcrumb)}</p>` : "") +
      `<p class="excerpt">${r.excerpt}</p></li>`).join("");
    status.textContent = results.length ? T.found(results.length) : T.none;
    list.dataset.done = "1";
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const form = document.getElementById("search-form");
    if (!form) return;
    const list = document.querySelector("[data-search-results]");
    const status = document.getElementById("search-status");
    const params = new URLSearchParams(location.search);
    const input = form.querySelector("input[name=q]");
    input.value = params.get("q") || "";
    await buildFilters(document.getElementById("filters"), params);
    form.addEventListener("submit", (e) => { e.preventDefault(); run(form, list, status); });
    form.addEventListener("change", () => run(form, list, status));
    if (input.value) await run(form, list, status);
    document.body.dataset.searchReady = "1";
  });
})();
