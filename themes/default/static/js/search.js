/* Site search on top of Pagefind.
 *
 * A query is split at spaces into terms; a page matches when it contains every
 * term. Terms are normalised as the build normalises page text (NFKC,
 * Traditional -> Simplified, lower case); punctuation is kept, so a term matches
 * only as typed. Each pair of adjacent Chinese characters / digits in a term
 * becomes an ASCII token the build added to every page's index copy; Pagefind
 * returns the pages holding all of them (candidates), and a candidate is kept
 * only if its indexed text really contains every term (Latin terms included).
 * When every term is one such pair, the candidates are exactly the matches and
 * the count needs no checking; otherwise all candidates are checked, so the
 * total shown is the true one. Results are shown a page at a time.
 * Queries without any such pair (English, one character) go to Pagefind unchanged.
 */
(function () {
  "use strict";
  const RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9]+/g;
  const PAIR = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9]{2}$/;
  const TOKEN_RE = /\bq[0-9a-z]{8}\b/g;
  const PAGE_SIZE = 20;
  const BATCH = 40; // candidates checked at once
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const DEFAULTS = lang === "zh"
    ? { searching: "正在搜索……", none: "没有找到结果。", found: "找到 {n} 条结果", found_one: "找到 1 条结果",
        shown: "显示第 1–{shown} 条", more: "更多结果", all: "全部", kind: "类型", year: "年份", department: "主责单位",
        kinds: {} }
    : { searching: "Searching…", none: "No results.", found: "{n} results", found_one: "1 result",
        shown: "showing 1–{shown}", more: "More results", all: "All", kind: "Kind", year: "Year",
        department: "Lead department", kinds: {} };
  let T = DEFAULTS;
  try {
    const el = document.getElementById("search-strings");
    if (el) T = Object.assign({}, DEFAULTS, JSON.parse(el.textContent));
  } catch (e) { /* the defaults above */ }
  const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  const foundText = (n) => (n === 1 ? T.found_one : fmt(T.found, { n: n.toLocaleString(lang === "zh" ? "zh-CN" : "en") }));

  let pagefind = null;
  let t2s = {};

  async function load() {
    if (pagefind) return pagefind;
    const pf = await import("/pagefind/pagefind.js");
    await pf.options({ excerptLength: 30 });
    try {
      const r = await fetch("/pagefind/t2s.json");
      if (r.ok) t2s = await r.json();
    } catch (e) { /* folding falls back to the query as typed */ }
    pagefind = pf;
    return pagefind;
  }

  // The matching alphabet (generator/search.py: norm): NFKC, Simplified, lower case.
  function norm(text) {
    let out = "";
    for (const ch of text.normalize("NFKC")) out += t2s[ch] || ch;
    return out.toLowerCase();
  }

  function b36(n) { return n.toString(36).padStart(4, "0"); }
  const isDigit = (c) => c >= "0" && c <= "9";

  // Pairs of adjacent Chinese characters / digits inside runs (generator/search.py: bigram_tokens).
  function tokens(normed) {
    const out = [];
    for (const run of normed.match(RUN) || []) {
      const chars = Array.from(run);
      for (let i = 0; i + 1 < chars.length; i++) {
        const a = chars[i], b = chars[i + 1];
        if (isDigit(a) && isDigit(b)) continue;
        out.push("q" + b36(a.codePointAt(0)) + b36(b.codePointAt(0)));
      }
    }
    return out;
  }

  // A page's indexed text as Pagefind returns it, without the zero-width spaces it
  // puts between Chinese words and without the build's tokens.
  function plain(content) {
    return content.replace(/\u200b/g, "").replace(TOKEN_RE, "").replace(/\s+/g, " ").trim();
  }

  // Where the normalised needle sits in the raw text: [start, end) in raw offsets.
  function locate(raw, normed, needle) {
    const at = normed.indexOf(needle);
    if (at < 0) return null;
    if (normed.length === raw.length) return [at, at + needle.length]; // the usual case: one for one
    const map = [];
    let f = "";
    let pos = 0;
    for (const ch of raw) {
      const s = norm(ch);
      for (let i = 0; i < s.length; i++) { f += s[i]; map.push(pos); }
      pos += ch.length;
    }
    map.push(raw.length);
    const i = f.indexOf(needle);
    if (i < 0) return null;
    let end = map[i + needle.length];
    if (end === map[i]) end = map[i] + 1;
    return [map[i], end];
  }

  // results a page at a time: `map` turns the next slice of items into results (fetching what it needs)
  function pager(items, map) {
    let at = 0;
    return {
      total: items.length,
      next: async (n) => {
        const slice = items.slice(at, at + n);
        at += slice.length;
        return map(slice);
      },
    };
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

  function entry(d, raw, normed, terms) {
    const base = { url: d.url, title: d.meta.title || d.url, breadcrumb: d.meta.breadcrumb || "" };
    // highlight the longest term
    const needle = terms.slice().sort((x, y) => y.length - x.length)[0];
    const span = needle ? locate(raw, normed, needle) : null;
    base.excerpt = span ? excerptAround(raw, span) : esc(raw.slice(0, 100));
    return base;
  }

  /* Open a search: resolves to { total, next(n) } where next(n) resolves to the
   * next n results (url, title, breadcrumb, excerpt HTML). */
  async function open(query, filters) {
    const pf = await load();
    const q = (query || "").trim();
    const empty = { total: 0, next: async () => [] };
    if (!q) return empty;
    const terms = Array.from(new Set(q.split(/\s+/).map(norm).filter(Boolean)));
    const toks = Array.from(new Set(terms.flatMap(tokens)));
    const opts = { filters: filters || {} };

    if (!toks.length) {
      // nothing to pair (English, one Chinese character): Pagefind as it is
      const res = await pf.search(q, opts);
      return pager(res.results, async (slice) => {
        const data = await Promise.all(slice.map((r) => r.data()));
        return data.map((d) => ({ url: d.url, title: d.meta.title || d.url, breadcrumb: d.meta.breadcrumb || "",
                                  excerpt: d.excerpt.replace(TOKEN_RE, "") }));
      });
    }

    const res = await pf.search(toks.join(" "), opts);
    const candidates = res.results;
    const check = async (rs) => {
      const data = await Promise.all(rs.map((r) => r.data()));
      const out = [];
      for (const d of data) {
        const raw = plain(d.content);
        const text = norm(raw);
        if (terms.every((t) => text.includes(t))) out.push(entry(d, raw, text, terms));
      }
      return out;
    };

    if (terms.every((t) => PAIR.test(t) && !(isDigit(t[0]) && isDigit(t[1])))) {
      // every term is one pair: a page holds the token exactly when it contains the term
      return pager(candidates, check);
    }

    // check every candidate, so that the total is true
    const matches = [];
    for (let i = 0; i < candidates.length; i += BATCH) {
      matches.push(...(await check(candidates.slice(i, i + BATCH))));
    }
    return pager(matches, async (slice) => slice);
  }

  // the first `limit` results (for scripts, tests and benchmarks)
  async function search(query, filters, limit) {
    const s = await open(query, filters);
    const out = await s.next(limit || PAGE_SIZE);
    out.total = s.total;
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
      const label = (n) => (key === "kind" && T.kinds && T.kinds[n]) || n;
      const names = Object.keys(values).sort((a, b) => label(a).localeCompare(label(b), lang === "zh" ? "zh-CN" : "en"));
      if (!names.length) continue;
      const id = "f-" + key;
      const lab = document.createElement("label");
      lab.htmlFor = id;
      lab.textContent = T[key];
      const sel = document.createElement("select");
      sel.id = id;
      sel.dataset.filter = key;
      sel.innerHTML = `<option value="">${esc(T.all)}</option>` +
        names.map((n) => `<option value="${esc(n)}">${esc(label(n))} (${values[n]})</option>`).join("");
      sel.value = params.get(key) || "";
      const wrap = document.createElement("span");
      wrap.className = "filter";
      wrap.append(lab, sel);
      box.append(wrap);
    }
  }

  function itemHTML(r) {
    return `<li class="result"><a href="${esc(r.url)}">${esc(r.title)}</a>` +
      (r.breadcrumb ? `<p class="crumb">${esc(r.breadcrumb)}</p>` : "") +
      `<p class="excerpt">${r.excerpt}</p></li>`;
  }

  let current = null; // the search on screen
  let seq = 0;

  function showStatus(status, list, more) {
    const shown = list.children.length;
    if (!current || !current.total) { status.textContent = current ? T.none : ""; more.hidden = true; return; }
    status.textContent = foundText(current.total) +
      (shown < current.total ? (lang === "zh" ? "，" : ", ") + fmt(T.shown, { shown }) : "");
    more.hidden = shown >= current.total;
  }

  async function run(form, list, status, more) {
    const mine = ++seq;
    const q = form.querySelector("input[name=q]").value;
    const filters = currentFilters(form);
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    history.replaceState(null, "", "?" + params.toString());
    delete list.dataset.done;
    if (!q.trim()) { current = null; list.innerHTML = ""; showStatus(status, list, more); list.dataset.done = "1"; return; }
    status.textContent = T.searching;
    more.hidden = true;
    const s = await open(q, filters);
    const first = await s.next(PAGE_SIZE);
    if (mine !== seq) return; // a newer search took over
    current = s;
    list.innerHTML = first.map(itemHTML).join("");
    showStatus(status, list, more);
    list.dataset.done = "1";
  }

  async function loadMore(list, status, more) {
    const s = current;
    if (!s) return;
    const mine = seq;
    delete list.dataset.done;
    more.disabled = true;
    const next = await s.next(PAGE_SIZE);
    more.disabled = false;
    if (mine !== seq || s !== current) return;
    const before = list.children.length;
    list.insertAdjacentHTML("beforeend", next.map(itemHTML).join(""));
    showStatus(status, list, more);
    const firstNew = list.children[before];
    if (firstNew) firstNew.querySelector("a").focus(); // keyboard readers continue where the new results start
    list.dataset.done = "1";
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const form = document.getElementById("search-form");
    if (!form) return;
    const list = document.querySelector("[data-search-results]");
    const status = document.getElementById("search-status");
    const more = document.getElementById("search-more") || document.createElement("button");
    const params = new URLSearchParams(location.search);
    const input = form.querySelector("input[name=q]");
    input.value = params.get("q") || "";
    await buildFilters(document.getElementById("filters"), params);
    form.addEventListener("submit", (e) => { e.preventDefault(); run(form, list, status, more); });
    form.addEventListener("change", () => run(form, list, status, more));
    more.addEventListener("click", () => loadMore(list, status, more));
    if (input.value) await run(form, list, status, more);
    document.body.dataset.searchReady = "1";
  });
})();
