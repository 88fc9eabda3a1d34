/* Site search on top of Pagefind, over the sharded index the build writes (generator/search.py).
 *
 * Words. A query is split at spaces into terms (Chinese characters spaced out one by one, 殷 勇, are first
 * written together, as the build writes them); a page matches when it contains every term. A term is
 * normalised as the build normalises page text (NFKC, Traditional -> Simplified, lower case) and cut into
 * the words the index holds: each run of Chinese characters and digits into its overlapping pairs (a run
 * of one stays one word), each punctuation mark into its code word (ϙ + consonant hex), Latin words as they
 * are. The words of a term are looked up as an exact phrase (Pagefind's quoted search), so a term is found
 * exactly where it occurs and the count of results is true. Terms with Latin letters are checked against
 * the page's text as well (a Latin term matches inside a word, as typed). Queries with no Chinese at all
 * (English) go to Pagefind's ordinary search.
 *
 * Ranking. Every page also carries its names (title, a document's number, a department's other names, a
 * task's opening): a page whose name equals the query comes first, then pages whose name contains it, then
 * the rest by Pagefind's score.
 *
 * Shards. shards.json lists the index's shards of each language: pages without a year, then one per year,
 * newest first, and "recent" (pages changed since their year's shard was indexed; the year shard masks
 * their old entries). A search asks one year at a time (Pagefind's filter g, which every shard carries),
 * newest first. The first round (what has no year, a year named in the query, then the newest years until
 * AUTO_PAGES pages) is loaded and searched at once, and its results are drawn before anything else is asked
 * for; then, while there is less than a page of results, earlier years are searched one by one. The results
 * are ordered by year, newest first, and by rank within a year. "More results" continues, into earlier years
 * when the loaded ones are used up; the status says how far back the count goes until every year has been
 * searched. A year named in the query (京政发〔2015〕1号) is searched first; once a page whose name equals the
 * query is found in it and every year from the newest back to it has been searched, earlier years wait until
 * the reader asks for them (a document number finds its document without the whole archive). The year filter
 * searches that year only.
 */
(function () {
  "use strict";
  const PAGE_SIZE = 20;
  const AUTO_PAGES = 1500; // pages searched before the first results are shown without the earlier years
  const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  const RUN = new RegExp(`[${CJK}0-9]`, "u");
  const RUNWORD = new RegExp(`^[${CJK}0-9]{1,2}$`, "u");
  const HEX = "bcfghjkmnpqrtvwx";
  const PUNCT_MARK = "\u03d9", NAME = "\u03db", NAME_FIRST = "\u03df", NAME_LAST = "\u03e1";
  let PAGE = {}; // the page's words and its language code, from the theme (search.html)
  try {
    const el = document.getElementById("search-strings");
    if (el) PAGE = JSON.parse(el.textContent);
  } catch (e) { /* the defaults below */ }
  const LOCALE = document.documentElement.lang; // the page's hreflang (zh-CN, en, fr …)
  const lang = PAGE.lang || (LOCALE.startsWith("zh") ? "zh" : "en"); // the configured code: pagefind/<code>/
  const INDEX_LANG = lang === "zh" ? "x" : lang; // what the build indexes Chinese pages as (no segmenter)
  const DEFAULTS = lang === "zh"
    ? { searching: "正在搜索……", none: "没有找到结果。", found: "找到 {n} 条结果", found_one: "找到 1 条结果",
        shown: "显示第 1–{shown} 条", more: "更多结果", all: "全部", kind: "类型", year: "年份", department: "主责单位",
        issuer: "发文机关", found_partial: "已检索到 {year} 年，找到 {n} 条结果", earlier: "检索更早的年份", kinds: {} }
    : { searching: "Searching…", none: "No results.", found: "{n} results", found_one: "1 result",
        shown: "showing 1–{shown}", more: "More results", all: "All", kind: "Kind", year: "Year",
        department: "Lead department", issuer: "Issuing body", found_partial: "{n} results in the years back to {year}",
        earlier: "Search earlier years", kinds: {} };
  const T = Object.assign({}, DEFAULTS, PAGE);
  const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  const num = (n) => n.toLocaleString(LOCALE);

  // ------------------------------------------------------------ loading: started at once, in parallel
  const getJSON = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const shardsP = getJSON("/pagefind/shards.json");
  const moduleP = import("/pagefind/pagefind.js");
  // Traditional -> Simplified, loaded for the characters a query has: the map is cut into buckets by code point
  // (shards.json says how many), so a query loads the few small ones of its Chinese characters, and an English
  // query none
  const t2s = {};
  const t2sLoaded = new Map();
  async function loadScriptMap(text) {
    const manifest = await shardsP;
    const n = manifest && manifest.t2s_buckets;
    if (!n) return;
    const want = new Set();
    for (const ch of text.normalize("NFKC")) if (isRun(ch) && !/[0-9]/.test(ch)) want.add(ch.codePointAt(0) % n);
    await Promise.all([...want].map((b) => {
      if (!t2sLoaded.has(b)) {
        t2sLoaded.set(b, getJSON(`/pagefind/t2s/${b}.json`).then((m) => { if (m) Object.assign(t2s, m); }));
      }
      return t2sLoaded.get(b);
    }));
  }

  let enginePromise = null;
  function engine() {
    if (!enginePromise) enginePromise = makeEngine();
    return enginePromise;
  }

  async function makeEngine() {
    const [manifest, pf] = await Promise.all([shardsP, moduleP]);
    const shards = ((manifest && manifest.langs && manifest.langs[lang]) || []).map((s) => ({
      ...s, path: `/pagefind/${lang}/${s.key}/` }));
    const masked = new Map(); // fragment id -> its filters (pages a shard masks: see generator/search.py)
    for (const s of shards) for (const [id, f] of Object.entries(s.mask || {})) masked.set(id, f);
    const groups = shards.filter((s) => s.key !== "recent").map((s) => ({ key: s.key, year: s.year, pages: s.pages,
                                                                          shard: s }));
    const recent = shards.find((s) => s.key === "recent");
    if (!shards.length) return { groups: [], search: async () => null, masked };
    // Pagefind takes the language from <html lang> when an instance is made; the Chinese shards are indexed
    // as "x" (no word segmenter: the words are pairs already), so the page reads as "x" for that moment.
    const html = document.documentElement;
    const saved = html.getAttribute("lang");
    html.setAttribute("lang", INDEX_LANG);
    let inst;
    try {
      inst = pf.createInstance({ basePath: groups[0].shard.path, noWorker: true, excerptLength: 0,
                                 metaCacheTag: groups[0].shard.fp });
    } finally {
      html.setAttribute("lang", saved);
    }
    const merged = new Set([groups[0].shard.key]);
    const merging = [];
    if (recent) {
      merged.add("recent");
      merging.push(inst.mergeIndex(recent.path, { language: INDEX_LANG, metaCacheTag: recent.fp }));
    }
    let filtersLoaded = new Set();
    return {
      groups, masked, inst,
      async load(group) { // make sure a group's shard is part of the instance
        if (!merged.has(group.shard.key)) {
          merged.add(group.shard.key);
          merging.push(inst.mergeIndex(group.shard.path, { language: INDEX_LANG, metaCacheTag: group.shard.fp }));
        }
        await Promise.all(merging);
      },
      async loadFilters() { // the filter files of every shard merged so far (for the counts)
        const key = [...merged].sort().join(",");
        if (filtersLoaded.has(key)) return;
        await Promise.all(merging);
        await inst.filters();
        filtersLoaded.add(key);
      },
      search: (term, options) => inst.search(term, options),
    };
  }

  // ------------------------------------------------------------ words (generator/search.py: stream)
  function norm(text) {
    let out = "";
    for (const ch of text.normalize("NFKC")) out += t2s[ch] || ch;
    return out.toLowerCase();
  }
  const isRun = (ch) => RUN.test(ch);
  const isLatin = (ch) => /[\p{L}\p{Nl}\p{No}]/u.test(ch) && !isRun(ch);
  const punctCode = (ch) => PUNCT_MARK + ch.codePointAt(0).toString(16).padStart(4, "0")
    .replace(/./g, (d) => HEX[parseInt(d, 16)]);

  /* The words of a normalised term, as [{word, latin}]; a space (in a quoted phrase) is {gap: true}. */
  function words(term) {
    const out = [];
    const chars = Array.from(term);
    for (let i = 0; i < chars.length;) {
      const ch = chars[i];
      if (isRun(ch)) {
        let j = i;
        while (j < chars.length && isRun(chars[j])) j++;
        if (j - i === 1) out.push({ word: ch, latin: false });
        for (let k = i; k + 1 < j; k++) out.push({ word: chars[k] + chars[k + 1], latin: false });
        i = j;
      } else if (isLatin(ch)) {
        let j = i;
        while (j < chars.length && isLatin(chars[j])) j++;
        out.push({ word: chars.slice(i, j).join(""), latin: true });
        i = j;
      } else if (/\s/.test(ch)) {
        if (out.length && !out[out.length - 1].gap) out.push({ word: "", latin: false, gap: true });
        i++;
      } else {
        out.push({ word: punctCode(ch), latin: false });
        i++;
      }
    }
    return out;
  }

  // The mark a punctuation word stands for; NFKC folded full-width ，；：？！（） into ASCII, which reads back
  // full-width on the Chinese pages (generator/search.py: punct_char)
  const FULL = { ",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）" };
  function punctChar(word) {
    let hex = "";
    for (const c of word.slice(1)) { const d = HEX.indexOf(c); if (d >= 0) hex += d.toString(16); }
    const ch = String.fromCodePoint(parseInt(hex, 16));
    return lang === "zh" ? (FULL[ch] || ch) : ch;
  }

  /* A page's text, read back from the words Pagefind stored for it (pairs overlap by one character). */
  function readText(content) {
    const out = [];
    let prevRun = "", prevKind = "";
    for (let raw of content.replace(/(^|\s)~\s[^~]*\s~(?=\s|$)/, " ").split(/\s+/)) {
      const glued = raw[0] === "^"; // no space stood before this word
      if (glued) raw = raw.slice(1);
      if (!raw) continue;
      if (raw === "`" || raw === "`.") { // a gap
        if (out.length && out[out.length - 1] !== " ") out.push(" ");
        prevRun = ""; prevKind = "gap";
        continue;
      }
      if (raw[0] === PUNCT_MARK) {
        out.push(punctChar(raw));
        prevRun = ""; prevKind = "punct";
        continue;
      }
      const core = raw.length > 1 && raw.endsWith(".") && RUNWORD.test(raw.slice(0, -1)) ? raw.slice(0, -1) : raw;
      if (RUNWORD.test(core)) {
        const cs = Array.from(core);
        out.push(cs.length === 2 && prevRun === cs[0] ? cs[1] : core);
        prevRun = cs[cs.length - 1]; prevKind = "run";
        continue;
      }
      if (prevKind === "latin" && !glued) out.push(" ");
      out.push(raw);
      prevRun = ""; prevKind = "latin";
    }
    return out.join("").replace(/ {2,}/g, " ").trim();
  }

  // ------------------------------------------------------------ a long page's words, in parts
  // (generator/search.py: split_fragment): the fragment holds the first part_words words, part k (k >= 1) the
  // words from k * part_words - part_back on; a result's word locations say which part holds its match
  const partCache = new Map();
  // At most PART_FETCHES part files are asked for at once: a query with a Latin term checks every word of many
  // long pages, and thousands of requests at a time fail in the browser ("Failed to fetch").
  const PART_FETCHES = 24;
  let fetching = 0;
  const waiting = [];
  const acquire = () => (fetching < PART_FETCHES ? (fetching++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = () => { const next = waiting.shift(); if (next) next(); else fetching--; }; // a waiter takes the slot
  function loadPart(d, k) {
    const url = `/pagefind/${d.part_base}.${k}.pf_part`;
    if (!partCache.has(url)) {
      partCache.set(url, (async () => {
        await acquire();
        try {
          const r = await fetch(url);
          if (!r.ok) throw new Error(`${url}: ${r.status}`);
          return await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).text();
        } finally { release(); }
      })().catch((e) => { partCache.delete(url); throw e; })); // asked again next time
    }
    return partCache.get(url);
  }
  const partOf = (d, at) => Math.min(Math.floor(at / d.part_words), d.parts - 1);

  async function fullContent(d) { // every word of the page
    if (!(d.parts > 1)) return d.content;
    const rest = await Promise.all(Array.from({ length: d.parts - 1 }, (_, i) => loadPart(d, i + 1)));
    const words = d.content.trim().split(/\s+/).slice(0, d.part_words);
    for (const t of rest) words.push(...t.trim().split(/\s+/).slice(d.part_back, d.part_back + d.part_words));
    return words.join(" ");
  }

  /* The text of the excerpt of a result: where its match is (`locs`: its word locations, least first). A page
   * in parts loads the part of its first location whose text holds the term shown (at most MAX_PARTS parts;
   * the whole page if none does). */
  const MAX_PARTS = 3;
  async function excerptOf(d, locs, terms) {
    if (!(d.parts > 1)) return excerpt(readText(d.content), terms);
    const parts = [];
    for (const at of locs || []) {
      const k = partOf(d, at);
      if (!parts.includes(k)) parts.push(k);
      if (parts.length === MAX_PARTS) break;
    }
    if (!parts.length) parts.push(0);
    const needle = longest(terms);
    for (const k of parts) {
      const raw = readText(k === 0 ? d.content : await loadPart(d, k));
      if (!needle || locate(raw, norm(raw), needle)) return excerpt(raw, terms);
    }
    return excerpt(readText(await fullContent(d)), terms);
  }

  // ------------------------------------------------------------ excerpts
  function esc(s) {
    return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  // Where the normalised needle sits in the raw text: [start, end) in raw offsets.
  function locate(raw, normed, needle) {
    const at = normed.indexOf(needle);
    if (at < 0) return null;
    if (normed.length === raw.length) return [at, at + needle.length];
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

  const longest = (terms) => terms.slice().sort((x, y) => y.length - x.length)[0];

  function excerpt(raw, terms) {
    const normed = norm(raw);
    const needle = longest(terms);
    const span = needle ? locate(raw, normed, needle) : null;
    if (!span) return esc(raw.slice(0, 100)) + (raw.length > 100 ? "…" : "");
    const [a, b] = span;
    const from = Math.max(0, a - 40), to = Math.min(raw.length, b + 60);
    return (from > 0 ? "…" : "") + esc(raw.slice(from, a)) + "<mark>" + esc(raw.slice(a, b)) + "</mark>" +
      esc(raw.slice(b, to)) + (to < raw.length ? "…" : "");
  }

  // ------------------------------------------------------------ one query
  /* How a query is asked: terms (normalised), each term's phrases (runs of non-Latin words, each asked as an
   * exact phrase), whether Latin parts need checking against the text, or plain Pagefind (no Chinese). */
  /* A document number as the documents print it (京政发〔2026〕1号) where it was typed with other brackets round
   * its year (京政发[2026]1号, (2026), 【2026】, after NFKC) or with 第 before its number: asked for besides the
   * term as typed (some pages print a number with ASCII brackets: they are found as typed too). */
  const docNumber = (t) => t.replace(/^(\p{Script=Han}+)[[(【〔]\s*(\d{4})\s*[\])】〕]\s*第?\s*(\d+号)$/u, "$1〔$2〕$3");

  /* The terms of a query: its words apart from one another, and a phrase in ASCII double quotes ("Line 22") as
   * one term, spaces and all (a quote inside a word, 自救"四件套", is part of the word). */
  function split(query) {
    const out = [];
    // one pass, linear: an unclosed quote is a word; a quoted run of spaces is nothing
    for (const m of query.matchAll(/"([^"]*)"|(\S+)/g)) {
      const t = m[1] !== undefined ? m[1].trim().replace(/\s+/g, " ") : m[2];
      if (t) out.push(t);
    }
    return out;
  }

  // Chinese characters spaced out one by one (殷 勇, a name padded to the width of three) are written together,
  // as the build writes them in the index (generator/search.py: join_spaced), after the same normalising
  const SPACED = new RegExp(`(?<![${CJK}0-9])[${CJK}](?:\\s+[${CJK}])+(?![${CJK}0-9])`, "gu");
  const joinSpaced = (text) => text.replace(SPACED, (m) => m.replace(/\s+/g, ""));

  function parse(query, asPrinted) {
    const terms = Array.from(new Set(split(joinSpaced(norm(query))).map((t) => (asPrinted ? docNumber(norm(t)) : norm(t)))
      .filter(Boolean)));
    const parsed = terms.map((t) => {
      const ws = words(t);
      const phrases = [];
      let cur = [];
      for (const w of ws) { // a Latin word or a space ends a phrase: the index holds no word for either
        if (w.latin || w.gap) { if (cur.length) phrases.push(cur); cur = []; } else cur.push(w.word);
      }
      if (cur.length) phrases.push(cur);
      const kept = ws.filter((w) => !w.gap);
      return { term: t, words: kept.map((w) => w.word), phrases, latin: ws.some((w) => w.latin || w.gap) };
    });
    // no Chinese, no digits (English): each term is a word as Pagefind reads words (stemmed on English pages)
    const plain = !parsed.some((p) => p.phrases.length);
    const phrases = plain ? terms.map((t) => [t]) : parsed.flatMap((p) => p.phrases);
    const verify = !plain && parsed.some((p) => p.latin);
    const names = parsed.flatMap((p) => p.words); // the query as a name: all its words in order
    // the phrase whose word locations place the excerpt: the first of the longest term (the one excerpts show)
    let shown = 0;
    if (!plain) {
      const t = parsed.find((p) => p.term === longest(terms));
      const i = t && t.phrases.length ? phrases.indexOf(t.phrases[0]) : -1;
      if (i >= 0) shown = i;
    }
    return { terms, parsed, plain, phrases, verify, names, shown };
  }

  const quoted = (ws) => `"${ws.join(" ")}"`;

  function subtract(counts, filters) { // take one page's filter values off Pagefind's counts
    for (const [k, vals] of Object.entries(filters || {})) {
      if (!counts[k]) continue;
      for (const v of vals) if (counts[k][v]) counts[k][v] -= 1;
    }
  }

  function addCounts(into, counts) {
    for (const [k, vals] of Object.entries(counts || {})) {
      if (k === "g") continue;
      const t = (into[k] = into[k] || {});
      for (const [v, n] of Object.entries(vals)) if (n) t[v] = (t[v] || 0) + n;
    }
  }

  /* The results of one year (group) for a parsed query: [{id, rank, score, data}], and the filter counts.
   * eager: the names are looked up at once too, before it is known whether the year has results (the first
   * round: one round trip fewer before the first results). */
  async function searchGroup(E, group, q, filters, withCounts, eager) {
    await E.load(group);
    if (withCounts) await E.loadFilters();
    return searchLoaded(E, group, q, filters, withCounts, eager);
  }

  /* searchGroup once the group's shard is part of the instance: its searches are asked for before it returns
   * (Pagefind searches the shards merged when it is asked, and waits for every one of them). */
  async function searchLoaded(E, group, q, filters, withCounts, eager) {
    const opts = { filters: Object.assign({}, filters, { g: group.key }) };
    const names = eager ? nameMatches(E, q, opts) : null;
    if (names) names.catch(() => {}); // unused when the year has no results (an error is thrown where it is used)
    const keep = (rs) => rs.filter((r) => !E.masked.has(r.id));
    let counts = {};
    // the pages holding every phrase, exactly (Pagefind's unquoted search also finds words by prefix, and
    // when a word is nowhere in a shard, by similarity: neither is what was asked)
    // and the scores: Pagefind's ranking of the same words, unquoted (the same index chunks: all asked at once)
    const [exact, loose] = await Promise.all([Promise.all(q.phrases.map((ph) => E.search(quoted(ph), opts))),
                                              E.search(q.phrases.flat().join(" "), opts)]);
    const first = exact[0];
    const sets = exact.map((res) => new Map(keep(res.results).map((r) => [r.id, r])));
    let ids = [...sets[0].keys()].filter((id) => sets.every((s) => s.has(id)));
    const score = new Map(loose.results.map((r) => [r.id, r.score]));
    if (q.phrases.length === 1) {
      counts = structuredClone(first.filters || {});
      for (const r of first.results) if (E.masked.has(r.id)) subtract(counts, E.masked.get(r.id));
    } else if (withCounts) { // the unquoted search's counts, less the pages that hold the words apart
      counts = structuredClone(loose.filters || {});
      const set = new Set(ids);
      const off = loose.results.filter((r) => !set.has(r.id));
      for (const r of loose.results) if (E.masked.has(r.id)) subtract(counts, E.masked.get(r.id));
      if (off.length <= 60) {
        for (const d of await Promise.all(off.filter((r) => !E.masked.has(r.id)).map((r) => r.data()))) {
          subtract(counts, d.filters);
        }
      } else counts = null;
    }
    const byId = sets[0];
    const at = sets[Math.min(q.shown, sets.length - 1)];
    let items = ids.map((id) => ({ id, rank: 2, score: score.get(id) || 0, data: byId.get(id).data,
                                   locs: (at.get(id).words || []).slice().sort((a, b) => a - b) }));
    if (q.verify) { // Latin parts: as typed, inside words too
      // 20 pages at a time: a long page is many part files, and thousands of requests at once fail
      const datas = [], texts = [];
      for (let i = 0; i < items.length; i += 20) {
        const ds = await Promise.all(items.slice(i, i + 20).map((it) => it.data()));
        datas.push(...ds);
        texts.push(...(await Promise.all(ds.map(fullContent))));
      }
      const kept = [];
      const cnt = {};
      items.forEach((it, i) => {
        const text = norm(readText(texts[i]));
        if (q.terms.every((t) => text.includes(t))) {
          kept.push(it);
          for (const [k, vals] of Object.entries(datas[i].filters || {})) {
            cnt[k] = cnt[k] || {};
            for (const v of vals) cnt[k][v] = (cnt[k][v] || 0) + 1;
          }
        }
      });
      items = kept;
      counts = cnt;
    }
    const byName = items.length ? await (names || nameMatches(E, q, opts)) : null;
    if (byName) for (const it of items) it.rank = byName.equal.has(it.id) ? 0 : byName.contain.has(it.id) ? 1 : 2;
    items.sort((a, b) => a.rank - b.rank || b.score - a.score);
    return { results: items, counts };
  }

  /* A page whose name (title, number, other names, a task's opening) is the query comes first, then pages
   * with a name containing it, then the rest by Pagefind's score: the pages of a name equal to the query and
   * of a name containing it (null if the query has no words). */
  async function nameMatches(E, q, opts) {
    const wsn = q.names;
    if (!wsn.length) return null;
    const [equal, contain] = await Promise.all([
      E.search(quoted([NAME_FIRST + wsn[0], ...wsn.map((w) => NAME + w), NAME_LAST + wsn[wsn.length - 1]]), opts),
      E.search(quoted(wsn.map((w) => NAME + w)), opts)]);
    return { equal: new Set(equal.results.map((r) => r.id)), contain: new Set(contain.results.map((r) => r.id)) };
  }

  /* Open a search: the first round of groups (what has no year, a year named in the query, then the newest
   * years, until AUTO_PAGES pages) is loaded and searched at once; resolves to an object that gives results a
   * page at a time, loading earlier years as needed (see the comment at the top; `fill` goes on to a page of
   * results). onFound(state) is called when the first groups of the round, in order, have results and the rest
   * are still searched (to show those results at once). */
  async function open(query, filters, onFound) {
    const [E] = await Promise.all([engine(), loadScriptMap(query || "")]); // the script map, to read the query
    const q = parse(query || ""), printed = parse(query || "", true);
    if (printed.terms.join(" ") === q.terms.join(" ")) return openParsed(E, q, filters, onFound);
    // a document number typed with other brackets: the pages that print it as documents do (the document
    // itself), then those that quote it as typed (the Daxing table prints 京医保发[2025]4号), every year of both
    const [state, typed] = await Promise.all([openParsed(E, printed, filters), openParsed(E, q, filters)]);
    while (!state.complete) await state.more();
    while (!typed.complete) await typed.more();
    const seen = new Set(state.items.map((it) => it.id));
    const extra = typed.items.filter((it) => !seen.has(it.id));
    state.items.push(...extra);
    state.total += extra.length;
    return state;
  }

  async function openParsed(E, q, filters, onFound) {
    const yearFilter = filters && filters.year;
    const rest = Object.assign({}, filters || {});
    delete rest.year;
    let groups = E.groups.slice();
    const hinted = yearFilter ? [] : (q.terms.join(" ").match(/(?:19|20)\d\d/g) || []);
    if (yearFilter) groups = groups.filter((g) => g.year === yearFilter);
    else {
      for (const y of hinted.slice().reverse()) {
        const i = groups.findIndex((g) => g.year === y);
        if (i > 0) groups.unshift(...groups.splice(i, 1));
      }
      // what has no year (departments, notes) first: it is small, and a department's name is a common query
      const site = groups.findIndex((g) => g.key === "site");
      if (site > 0) groups.unshift(...groups.splice(site, 1));
    }
    const state = {
      q, items: [], at: 0, next: 0, groups, searched: [], total: 0,
      get complete() { return this.next >= this.groups.length; },
      get lastYear() {
        const ys = this.searched.filter((g) => g.year).map((g) => g.year);
        return ys.length ? ys.reduce((a, b) => (a < b ? a : b)) : "";
      },
      // the query names a year and a name of that year equals it (a document's number): its page is found, and
      // every year from the newest back to that one has been searched; earlier years wait until asked for
      get found() {
        const named = this.items.filter((it) => it.rank === 0 && hinted.includes(it.year)).map((it) => it.year);
        if (!named.length) return false;
        const back = named.reduce((a, b) => (a < b ? a : b));
        const done = new Set(this.searched.map((g) => g.key));
        return this.groups.every((g) => !g.year || g.year < back || done.has(g.key));
      },
    };
    if (!q.terms.length || !groups.length) { state.next = groups.length; return state; }
    const add = (g, r) => {
      for (const it of r.results) it.year = g.year;
      state.searched.push(g);
      state.items.push(...r.results);
      state.total += r.results.length;
    };
    state.more = async () => { // search the next year
      const g = state.groups[state.next++];
      add(g, await searchGroup(E, g, q, rest, false));
    };
    // the first round, at once: its shards load and are searched side by side (searchGroup merges a shard
    // before it searches it)
    const round = [];
    for (let pages = 0; round.length < groups.length && pages < AUTO_PAGES;) {
      round.push(groups[round.length]);
      pages += groups[round.length - 1].pages;
    }
    state.next = round.length;
    // the first group's searches are asked for before the others' shards are merged (which they would wait
    // for): what has no year, small and quick, is shown while the newest year still loads
    await E.load(round[0]);
    const found = [searchLoaded(E, round[0], q, rest, false, true),
                   ...round.slice(1).map((g) => searchGroup(E, g, q, rest, false, true))];
    for (const [i, g] of round.entries()) {
      add(g, await found[i]);
      if (onFound && state.items.length && i < round.length - 1) {
        await onFound(state);
        onFound = null;
      }
    }
    return state;
  }

  /* Search earlier years until a page of results is loaded, every year is searched, or the query's page is
   * found (state.found); onFound(state) is called once, when the first results are there (to show them). */
  async function fill(state, onFound) {
    while (!state.complete && !state.found && state.items.length < PAGE_SIZE) {
      await state.more();
      if (onFound && state.items.length) {
        await onFound(state);
        onFound = null;
      }
    }
  }

  // what a first display holds: a name's exact match first, whatever its year (the sort is stable, so the years
  // stay newest first within a rank)
  const byRank = (a, b) => a.rank - b.rank;

  async function take(state, n) { // the next n results, with their titles and excerpts
    while (state.items.length - state.at < n && !state.complete) await state.more(false);
    const slice = state.items.slice(state.at, state.at + n);
    state.at += slice.length;
    return describe(slice, state.q.terms);
  }

  /* The breadcrumb as the index keeps it: two of these characters a byte of its UTF-8, so that Pagefind, which
   * indexes every metadata field, makes no word of it (generator/search.py: crumb_code). */
  const CRUMB_DIGITS = "!$%()+,-./:;=?@[";
  function crumbText(code) {
    const bytes = new Uint8Array(code.length >> 1);
    for (let i = 0; i < bytes.length; i++) {
      const hi = CRUMB_DIGITS.indexOf(code[2 * i]), lo = CRUMB_DIGITS.indexOf(code[2 * i + 1]);
      if (hi < 0 || lo < 0) return code; // not coded (an index made before the coding): as it is
      bytes[i] = hi * 16 + lo;
    }
    return new TextDecoder().decode(bytes);
  }

  function describe(items, terms) { // titles and excerpts (fragments and parts are loaded once: Pagefind caches)
    return Promise.all(items.map(async (it) => {
      const d = await it.data();
      return { url: d.url, title: d.meta.title || d.url, breadcrumb: crumbText(d.meta.breadcrumb || ""),
               excerpt: await excerptOf(d, it.locs, terms) };
    }));
  }

  /* Filter counts of the query's results in every year searched so far: for each value, the pages it would
   * leave (the filters chosen are not applied here, so every choice shows what it gives). */
  async function counts(state) {
    const E = await engine();
    await E.loadFilters();
    const c = {}, years = {};
    for (const g of state.searched.slice()) {
      const r = await searchGroup(E, g, state.q, {}, true);
      years[g.key] = r.results.length;
      if (r.counts) addCounts(c, r.counts);
    }
    c.__years = years;
    return c;
  }

  // ------------------------------------------------------------ for scripts, tests and benchmarks
  window.siteSearch = async (query, filters, limit) => {
    const s = await open(query, filters);
    await fill(s);
    s.items.sort(byRank);
    const out = await take(s, limit || PAGE_SIZE);
    out.total = s.total;
    out.complete = s.complete;
    return out;
  };
  window.siteSearchAll = async (query, filters) => { // every result, every year
    const s = await open(query, filters);
    while (!s.complete) await s.more(false);
    // the fragments only (each result's address), no excerpts; 100 at a time (thousands of requests at once
    // fail in the browser)
    const urls = [];
    for (let i = 0; i < s.items.length; i += 100) {
      const datas = await Promise.all(s.items.slice(i, i + 100).map((it) => it.data()));
      urls.push(...datas.map((d) => d.url));
    }
    return urls;
  };
  window.siteSearchIds = async (query, filters) => { // every result's page id (fragment name), every year
    const s = await open(query, filters);
    while (!s.complete) await s.more(false);
    return s.items.map((it) => it.id);
  };
  // stock Pagefind, for comparison in tests and benchmarks: /pagefind-stock/ if built
  window.stockSearch = async (q, limit) => {
    const pf = await import("/pagefind-stock/pagefind.js");
    const res = await pf.search(q);
    const data = await Promise.all(res.results.slice(0, limit || 50).map((r) => r.data()));
    return data.map((d) => ({ url: d.url }));
  };

  // ------------------------------------------------------------ the results page
  const FILTERS = ["kind", "year", "department", "issuer"];
  const LANG_NEUTRAL = ["kind", "year"]; // kept when switching language (the others are names in one language)

  function currentFilters(form) {
    const f = {};
    form.querySelectorAll("select[data-filter]").forEach((s) => { if (s.value) f[s.dataset.filter] = s.value; });
    return f;
  }

  function itemHTML(r) {
    return `<li class="result"><a href="${esc(r.url)}">${esc(r.title)}</a>` +
      (r.breadcrumb ? `<p class="crumb">${esc(r.breadcrumb)}</p>` : "") +
      `<p class="excerpt">${r.excerpt}</p></li>`;
  }

  // The filters: kind, year, department and issuing body, with the counts of the current results.
  function showFilters(box, state, chosen, countsByKey) {
    box.innerHTML = "";
    for (const key of FILTERS) {
      let values;
      if (key === "year") { // every year of the index; a count where the year has been searched
        values = {};
        const known = (countsByKey && countsByKey.__years) || {};
        for (const g of state.allGroups) if (g.year) values[g.year] = g.key in known ? known[g.key] : null;
      } else values = (countsByKey && countsByKey[key]) || {};
      const names = Object.keys(values).filter((n) => values[n] !== 0 || chosen[key] === n);
      if (chosen[key] && !names.includes(chosen[key])) names.push(chosen[key]);
      const label = (n) => (key === "kind" && T.kinds && T.kinds[n]) || n;
      if (key === "year") names.sort();
      else names.sort((a, b) => label(a).localeCompare(label(b), LOCALE));
      if (!names.length) continue;
      const id = "f-" + key;
      const lab = document.createElement("label");
      lab.htmlFor = id;
      lab.textContent = T[key];
      const sel = document.createElement("select");
      sel.id = id;
      sel.dataset.filter = key;
      sel.innerHTML = `<option value="">${esc(T.all)}</option>` + names.map((n) => {
        const c = values[n];
        return `<option value="${esc(n)}">${esc(label(n))}${c == null ? "" : ` (${num(c)})`}</option>`;
      }).join("");
      sel.value = chosen[key] || "";
      const wrap = document.createElement("span");
      wrap.className = "filter";
      wrap.append(lab, sel);
      box.append(wrap);
    }
  }

  function keepQueryOnLanguageSwitch(params) { // the other edition's search page with the same query
    const keep = new URLSearchParams();
    for (const [k, v] of params) if (k === "q" || LANG_NEUTRAL.includes(k)) keep.set(k, v);
    const qs = keep.toString();
    document.querySelectorAll('a.lang-switch, .footer-links a[hreflang]').forEach((a) => {
      const base = a.getAttribute("href").split("?")[0];
      a.setAttribute("href", base + (qs ? "?" + qs : ""));
    });
  }

  // when the first results of the page's first search are on screen (for benchmarks: bench/search.py)
  const markFirst = () => {
    if (!performance.getEntriesByName("search-first-results").length) performance.mark("search-first-results");
  };

  let current = null; // the search on screen
  let seq = 0;

  function showStatus(status, list, more) {
    const shown = list.children.length;
    const s = current;
    if (!s || (!s.total && s.complete)) { status.textContent = s ? T.none : ""; more.hidden = true; return; }
    let text;
    if (s.complete) text = s.total === 1 ? T.found_one : fmt(T.found, { n: num(s.total) });
    else text = fmt(T.found_partial, { n: num(s.total), year: s.lastYear || "" });
    if (shown < s.total) text += (T.sep || ", ") + fmt(T.shown, { shown });
    status.textContent = text;
    const loadedLeft = shown < s.items.length;
    more.hidden = !loadedLeft && s.complete;
    more.textContent = loadedLeft ? T.more : T.earlier;
  }

  // a moment for the browser to draw what was just put on the page, before more is loaded (a page in the
  // background draws nothing: it goes on after 100 ms)
  const drawn = () => new Promise((resolve) => {
    const t = setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(t); resolve(); }, 0));
  });

  async function run(form, list, status, more, box) {
    const mine = ++seq;
    const q = form.querySelector("input[name=q]").value;
    const filters = currentFilters(form);
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    history.replaceState(null, "", "?" + params.toString());
    keepQueryOnLanguageSwitch(params);
    delete list.dataset.done;
    if (!q.trim()) { current = null; list.innerHTML = ""; showStatus(status, list, more); list.dataset.done = "1"; return; }
    status.textContent = T.searching;
    more.hidden = true;
    // the first page of what is loaded, drawn; while earlier years are still to be searched (a query with few
    // results so far), with the status of the years searched so far and no "more" button yet
    const show = async (s, final) => {
      s.items.sort(byRank);
      const first = await describe(s.items.slice(0, PAGE_SIZE), s.q.terms);
      if (mine !== seq) return false;
      s.at = first.length;
      s.allGroups = (await engine()).groups;
      current = s;
      list.innerHTML = first.map(itemHTML).join("");
      markFirst();
      if (final) showStatus(status, list, more);
      else status.textContent = fmt(T.found_partial, { n: num(s.total), year: s.lastYear || "" });
      await drawn();
      return mine === seq;
    };
    const s = await open(q, filters, (st) => show(st, false));
    if (mine !== seq) return; // a newer search took over
    if (!s.complete && !s.found && s.items.length < PAGE_SIZE) { // few results so far: shown, then earlier years
      if (s.items.length && !(await show(s, false))) return;
      await fill(s, s.items.length ? null : (st) => show(st, false));
      if (mine !== seq) return;
    }
    if (!(await show(s, true))) return;
    // the counts of the filters come after the results (their files are loaded now); then the page is done
    const c = await counts(s);
    if (mine !== seq) return;
    showFilters(box, s, filters, c);
    list.dataset.done = "1";
  }

  async function loadMore(list, status, more, box) {
    const s = current;
    if (!s) return;
    const mine = seq;
    delete list.dataset.done;
    more.disabled = true;
    const before = list.children.length;
    const searchedBefore = s.searched.length;
    const next = await take(s, PAGE_SIZE);
    more.disabled = false;
    if (mine !== seq || s !== current) return;
    list.insertAdjacentHTML("beforeend", next.map(itemHTML).join(""));
    showStatus(status, list, more);
    const firstNew = list.children[before];
    if (firstNew) firstNew.querySelector("a").focus(); // keyboard readers continue where the new results start
    if (s.searched.length !== searchedBefore) {
      const c = await counts(s);
      if (mine === seq && s === current) showFilters(box, s, currentFilters(document.getElementById("search-form")), c);
    }
    list.dataset.done = "1";
  }

  async function start() {
    const form = document.getElementById("search-form");
    if (!form) return;
    const list = document.querySelector("[data-search-results]");
    const status = document.getElementById("search-status");
    const more = document.getElementById("search-more") || document.createElement("button");
    const box = document.getElementById("filters");
    const params = new URLSearchParams(location.search);
    const input = form.querySelector("input[name=q]");
    input.value = params.get("q") || "";
    // the filters asked for in the address, until the counts are known
    const chosen = {};
    for (const k of FILTERS) if (params.get(k)) chosen[k] = params.get(k);
    for (const [k, v] of Object.entries(chosen)) {
      const sel = document.createElement("select");
      sel.dataset.filter = k;
      sel.hidden = true;
      sel.innerHTML = `<option value="${esc(v)}">${esc(v)}</option>`;
      sel.value = v;
      box.append(sel);
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); run(form, list, status, more, box); });
    form.addEventListener("change", () => run(form, list, status, more, box));
    more.addEventListener("click", () => loadMore(list, status, more, box));
    keepQueryOnLanguageSwitch(params);
    if (input.value) await run(form, list, status, more, box);
    document.body.dataset.searchReady = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
