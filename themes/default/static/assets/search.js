// dafu search page: queries the static index under search/ (see src/search/mod.rs for the
// format). Plain JavaScript, no framework, no request outside the site. Every string from
// the index or the query reaches the page as text nodes, never as HTML.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var selects = {
    year: document.getElementById("f-year"),
    kind: document.getElementById("f-kind"),
    dept: document.getElementById("f-dept"),
    cat: document.getElementById("f-cat"),
    sat: document.getElementById("f-sat"),
  };
  var root = form.getAttribute("data-root") || "../";
  var DATA = new URL(root + "search/", document.baseURI);
  var PAGE = 10;
  var MAX_QUERY = 200;
  var MAX_TOKENS = 32;
  var FIELD_TITLE = 1, FIELD_NUMBER = 2, FIELD_BITS = 3;
  var K1 = 1.2, B = 0.75;

  form.hidden = false; // (older themes hide it until now)
  // The filters fold into one 筛选 control; open from the start where there is room.
  var panel = document.getElementById("filters-panel");
  var activeCount = document.getElementById("filter-count");
  if (panel && window.matchMedia && window.matchMedia("(min-width: 40rem)").matches) panel.open = true;

  // ---------- tokeniser: the same rules as src/search/tokenize.rs ----------
  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
  }
  var ALPHA = /\p{Alphabetic}/u;
  // Traditional → simplified, one character for one (search/fold.bin, the table the index
  // was folded with).
  var FOLD = new Map();
  function norm(ch) {
    var cp = ch.codePointAt(0);
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp >= 0x41 && cp <= 0x5a) cp += 0x20;
    var c = String.fromCodePoint(cp);
    return FOLD.get(c) || c;
  }
  // Same length in UTF-16 units as the input, so positions carry over for highlighting.
  function normalize(text) {
    var out = "";
    for (var ch of text) out += norm(ch);
    return out;
  }
  function isWord(c) {
    var cp = c.codePointAt(0);
    return (cp >= 0x30 && cp <= 0x39) || (ALPHA.test(c) && !isHan(cp));
  }
  // A word that mixes digits and letters also gives its runs of two or more of either
  // (`g102` → `102`), as in tokenize.rs.
  function subWords(word, out) {
    if (!/[0-9]/.test(word) || /^[0-9]+$/.test(word)) return;
    var runs = word.match(/[0-9]+|[^0-9]+/g) || [];
    runs.forEach(function (r) { if (Array.from(r).length >= 2) out.push(r); });
  }
  // Tokens and the "segments" they came from (Han runs and words), for highlighting.
  function analyse(text) {
    var tokens = [], segments = [], word = "", run = "", prev = null;
    function endWord() { if (word) { tokens.push(word); subWords(word, tokens); segments.push(word); word = ""; } }
    function endRun() { if (run.length >= 2) segments.push(run); run = ""; }
    for (var raw of text) {
      var c = norm(raw), cp = c.codePointAt(0);
      if (isHan(cp)) {
        endWord();
        if (prev !== null) tokens.push(prev + c);
        prev = c;
        run += c;
      } else {
        prev = null;
        endRun();
        if (isWord(c)) word += c;
        else endWord();
      }
    }
    endWord();
    endRun();
    return { tokens: tokens, segments: segments };
  }
  // Common function characters inside a phrase do not have to be in the reply: 农村的饮用水
  // finds 农村饮用水 (the pairs they make only raise the rank). Only between two runs of at
  // least two characters, so that 目的 or 和平 stay words.
  var FUNCTION_CHARS = "的之和与及或";
  function queryTokens(q) {
    var chars = Array.from(normalize(q)), stripped = chars.slice(), bridges = [];
    var i = 0;
    while (i < chars.length) {
      if (!isHan(chars[i].codePointAt(0))) { i++; continue; }
      var start = i;
      while (i < chars.length && isHan(chars[i].codePointAt(0))) i++;
      var partStart = start;
      for (var j = start + 2; j <= i - 3; j++) {
        if (FUNCTION_CHARS.indexOf(chars[j]) >= 0 && j - partStart >= 2) {
          stripped[j] = " ";
          bridges.push(chars[j - 1] + chars[j + 1]);
          partStart = j + 1;
        }
      }
    }
    var all = analyse(q), required = Array.from(new Set(analyse(stripped.join("")).tokens));
    var optional = Array.from(new Set(all.tokens.concat(bridges))).filter(function (t) {
      return required.indexOf(t) < 0;
    });
    return { required: required.slice(0, MAX_TOKENS), optional: optional.slice(0, MAX_TOKENS), segments: all.segments };
  }
  // The query with each synonym the site lists put in for the word it means (meta.json's
  // `synonyms`): 路灯 also searches for 照明.
  function variants(q) {
    var out = [q];
    (meta.synonyms || []).forEach(function (group) {
      var n = normalize(q);
      group.forEach(function (w) {
        var nw = normalize(w), at = n.indexOf(nw);
        if (!nw || at < 0) return;
        group.forEach(function (other) {
          if (other !== w && out.length < 6) out.push(q.slice(0, at) + other + q.slice(at + nw.length));
        });
      });
    });
    return out;
  }
  var encoder = new TextEncoder();
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(token);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  // ---------- loading ----------
  var bytesLoaded = 0;
  function inflate(buffer) {
    var b = new Uint8Array(buffer);
    // A server may already have undone the gzip layer; then the bytes are plain.
    if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return Promise.resolve(buffer);
    var stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }
  function load(path) {
    return fetch(new URL(path, DATA)).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (buf) {
      bytesLoaded += buf.byteLength;
      return inflate(buf);
    });
  }
  var utf8 = new TextDecoder();
  var utf16 = new TextDecoder("utf-16le");
  var cache = { shards: new Map(), cards: new Map() };
  function cached(map, key, make) {
    if (!map.has(key)) {
      var p = make();
      p.catch(function () { map.delete(key); });
      map.set(key, p);
    }
    return map.get(key);
  }

  function Reader(bytes) { this.b = bytes; this.p = 0; }
  Reader.prototype.varint = function () {
    var v = 0, shift = 0, byte;
    do {
      byte = this.b[this.p++];
      v += (byte & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (byte >= 0x80 && this.p < this.b.length);
    return v;
  };
  function parseShard(buf) {
    var bytes = new Uint8Array(buf), r = new Reader(bytes), map = new Map();
    var count = r.varint();
    for (var i = 0; i < count; i++) {
      var len = r.varint();
      var token = utf8.decode(bytes.subarray(r.p, r.p + len));
      r.p += len;
      var df = r.varint(), n = r.varint();
      map.set(token, { df: df, bytes: bytes.subarray(r.p, r.p + n) });
      r.p += n;
    }
    return map;
  }
  function unzigzag(v) { return v % 2 ? -(v + 1) / 2 : v / 2; }
  function postings(entry) {
    var r = new Reader(entry.bytes), docs = new Uint32Array(entry.df), codes = new Uint32Array(entry.df);
    var doc = 0;
    for (var i = 0; i < entry.df; i++) {
      doc += r.varint();
      docs[i] = doc;
      codes[i] = r.varint();
    }
    return { docs: docs, codes: codes };
  }
  function shard(n) {
    return cached(cache.shards, n, function () { return load("s/" + n + ".bin").then(parseShard); });
  }
  // What result d shows and its text: {row: [title, url, kind label, number, session,
  // department, date, 文号, category], body}.
  function card(d) {
    return cached(cache.cards, d, function () {
      return load("r/" + d + ".txt").then(function (b) {
        var s = utf16.decode(b), at = s.indexOf("\u001e");
        return { row: s.slice(0, at).split("\u001f"), body: s.slice(at + 1) };
      });
    });
  }

  // ---------- the index in memory ----------
  var meta = null, docs = null; // docs: per reply {date, dept, len, year, kind, cat, sat}
  // index.bin: the meta JSON, the folding table and the replies' columns (src/search/mod.rs).
  var ready = load("index.bin").then(function (buf) {
    var bytes = new Uint8Array(buf), r = new Reader(bytes);
    var len = r.varint();
    meta = JSON.parse(utf8.decode(bytes.subarray(r.p, r.p + len)));
    r.p += len;
    if (meta.version !== 3) throw new Error("search index version " + meta.version);
    r.varint(); // the folding table's length
    var from = 0;
    for (var pairs = r.varint(), p = 0; p < pairs; p++) {
      from += r.varint();
      FOLD.set(String.fromCodePoint(from), String.fromCodePoint(from + unzigzag(r.varint())));
    }
    var n = meta.docs, i;
    docs = { date: new Uint16Array(n), dept: new Uint16Array(n), len: new Uint16Array(n),
      year: new Uint8Array(n), kind: new Uint8Array(n), cat: new Uint8Array(n), sat: new Uint8Array(n) };
    var date = 0, yearOf = new Map();
    meta.years.forEach(function (y, k) { yearOf.set(Number(y), k); });
    for (i = 0; i < n; i++) {
      date += unzigzag(r.varint());
      docs.date[i] = date;
      docs.year[i] = yearOf.get(new Date(date * 86400000).getUTCFullYear()) || 0;
    }
    for (i = 0; i < n; i++) docs.dept[i] = r.varint();
    for (i = 0; i < n; i++) docs.len[i] = Math.min(r.varint(), 65535);
    ["kind", "cat", "sat"].forEach(function (k) {
      docs[k].set(bytes.subarray(r.p, r.p + n));
      r.p += n;
    });
    fillSelect(selects.year, meta.years.map(function (y) { return { value: y, label: y + "年" }; }));
    fillSelect(selects.kind, meta.kinds.map(function (f) { return { value: f.slug, label: f.label }; }));
    fillSelect(selects.dept, meta.departments.map(function (f) { return { value: f.slug, label: f.label }; }));
    fillSelect(selects.cat, meta.categories.map(function (f) { return { value: f.slug, label: f.label }; }));
    if (selects.sat && meta.satisfaction && meta.satisfaction.length) {
      fillSelect(selects.sat, meta.satisfaction.map(function (f) { return { value: f.slug, label: f.label }; }));
      document.getElementById("f-sat-box").hidden = false;
    }
  });

  function fillSelect(select, items) {
    items.forEach(function (it) {
      var o = document.createElement("option");
      o.value = it.value;
      o.textContent = it.label;
      o.setAttribute("data-label", it.label);
      select.appendChild(o);
    });
  }

  // Selected filters as facet indexes (-1: any).
  function filterIndexes(state) {
    function idx(list, value, key) {
      if (!value) return -1;
      for (var i = 0; i < list.length; i++) if ((key ? list[i][key] : list[i]) === value) return i;
      return -2; // an unknown value matches nothing
    }
    return {
      year: idx(meta.years, state.year),
      kind: idx(meta.kinds, state.kind, "slug"),
      dept: idx(meta.departments, state.dept, "slug"),
      cat: idx(meta.categories, state.cat, "slug"),
      sat: idx(meta.satisfaction || [], state.sat, "slug"),
    };
  }
  var FACETS = ["year", "kind", "dept", "cat", "sat"];
  function passes(d, f, except) {
    for (var i = 0; i < FACETS.length; i++) {
      var k = FACETS[i];
      if (k === except || f[k] === -1) continue;
      if (docs[k][d] !== f[k]) return false;
    }
    for (var j = 0; j < f.lists.length; j++) if (!f.lists[j].docs.has(d)) return false;
    return true;
  }

  // A representative's, session's or topic's list, narrowed here from that list's filter
  // bar: its replies come from search/f/<name>/<slug>.json, fetched only then.
  var LIST_FILTERS = [["rep", "代表委员"], ["session", "届次"], ["topic", "主题"]];
  var listCache = new Map();
  function listFilter(name, slug) {
    return cached(listCache, name + "/" + slug, function () {
      // Slugs are lower-case letters, digits and hyphens; anything else names no list.
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return Promise.resolve({ label: slug, docs: new Set() });
      return fetch(new URL("f/" + name + "/" + slug + ".json", DATA)).then(function (r) {
        if (r.status === 404) return { label: slug, docs: [] };
        if (!r.ok) throw new Error(name + "/" + slug + ": HTTP " + r.status);
        return r.json();
      }).then(function (j) {
        var set = new Set(), d = 0;
        j.docs.forEach(function (delta) { d += delta; set.add(d); });
        return { label: String(j.label), docs: set };
      });
    });
  }
  function listFilters(state) {
    return Promise.all(LIST_FILTERS.filter(function (lf) { return state[lf[0]]; }).map(function (lf) {
      return listFilter(lf[0], state[lf[0]]).then(function (l) {
        return { name: lf[0], title: lf[1], label: l.label, docs: l.docs };
      });
    }));
  }
  // The list filters on, each with a button that takes it off.
  var listBox = document.getElementById("list-filters");
  function showListFilters(state, lists) {
    if (!listBox) return;
    listBox.textContent = "";
    listBox.hidden = !lists.length;
    lists.forEach(function (l) {
      var span = document.createElement("span");
      span.className = "list-filter-chip";
      span.textContent = l.title + "：" + l.label;
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = "取消";
      b.setAttribute("aria-label", "取消筛选：" + l.title + " " + l.label);
      b.addEventListener("click", function () {
        var s = readForm();
        s[l.name] = "";
        listState[l.name] = "";
        history.pushState(s, "", toURL(s));
        list.removeAttribute("data-ready");
        run(s).then(function () { input.focus(); });
      });
      span.appendChild(b);
      listBox.appendChild(span);
    });
  }

  // ---------- querying ----------
  // Fewer strict matches than a page: replies that hold most of the query (weighted by how
  // rare each pair is, with a bonus for pairs that follow each other as in the query) are
  // listed after them, as partial matches.
  var MIN_COVER = 0.6;
  // Returns {ids (ranked), strict (how many of them hold every word), tiers, matched (text
  // matches before filters), segments}.
  function evaluate(state) {
    var q = state.q.slice(0, MAX_QUERY);
    var forms = variants(q).map(queryTokens);
    var main = forms[0];
    // The query as one phrase; with several words there is no single phrase to look for.
    var phrase = /\s/.test(q.trim()) ? "" : normalize(q.trim());
    if (!main.required.length) {
      if (q.trim()) return Promise.resolve({ tooShort: true, ids: [], matched: [], segments: [] });
      var all = new Array(meta.docs);
      for (var i = 0; i < meta.docs; i++) all[i] = i;
      return Promise.resolve({ ids: all, matched: all, strict: all.length, segments: [], filterOnly: true });
    }
    var wanted = [];
    forms.forEach(function (f) { f.required.concat(f.optional).forEach(function (t) { if (wanted.indexOf(t) < 0) wanted.push(t); }); });
    return Promise.all(wanted.map(function (t) { return shard(shardOf(t, meta.shards)); })).then(function (maps) {
      var t0 = performance.now();
      var lists = new Map();
      wanted.forEach(function (t, i) {
        var e = maps[i].get(t);
        if (e) lists.set(t, { token: t, df: e.df, p: postings(e) });
      });
      var strictScore = new Map(), tier = new Map(), cover = new Map(), looseScore = new Map();
      forms.forEach(function (f) { scoreForm(f, lists, strictScore, tier, cover, looseScore); });
      var strict = Array.from(strictScore.keys());
      strict.sort(function (x, y) {
        return (tier.get(y) - tier.get(x)) || (strictScore.get(y) - strictScore.get(x)) ||
          (docs.date[y] - docs.date[x]) || (x - y);
      });
      var partial = [];
      if (strict.length < PAGE) {
        cover.forEach(function (c, d) { if (c >= MIN_COVER && !strictScore.has(d)) partial.push(d); });
        partial.sort(function (x, y) {
          return (cover.get(y) - cover.get(x)) || (looseScore.get(y) - looseScore.get(x)) ||
            (docs.date[y] - docs.date[x]) || (x - y);
        });
      }
      var ids = strict.concat(partial);
      return { ids: ids, matched: ids, strict: strict.length, tier: tier, phrase: phrase,
        tokens: main.required.length, segments: main.segments, ms: performance.now() - t0 };
    });
  }

  // BM25 over one form of the query: replies that hold every required token (strict), and
  // for every reply that holds some, how much of the query it covers.
  function scoreForm(f, lists, strictScore, tier, cover, looseScore) {
    var N = meta.docs, avgdl = meta.avgdl || 1;
    function idf(df) { return Math.log(1 + (N - df + 0.5) / (df + 0.5)); }
    function add(map, d, L, k) {
      var code = L.p.codes[k], tf = code >>> FIELD_BITS;
      var norm = K1 * (1 - B + B * (docs.len[d] / avgdl));
      map.set(d, (map.get(d) || 0) + idf(L.df) * (tf * (K1 + 1)) / (tf + norm));
    }
    // Strict: every required token, rarest first; optional tokens add to the score.
    var req = f.required.map(function (t) { return lists.get(t); });
    if (req.every(Boolean)) {
      req.sort(function (x, y) { return x.df - y.df; });
      var score = new Map(), bits = new Map();
      req[0].p.docs.forEach(function (d) { score.set(d, 0); bits.set(d, { all: 7, any: 0 }); });
      req.forEach(function (L) {
        var seen = new Set();
        for (var k = 0; k < L.p.docs.length; k++) {
          var d = L.p.docs[k];
          if (!score.has(d)) continue;
          seen.add(d);
          add(score, d, L, k);
          var bb = bits.get(d), fields = L.p.codes[k] & 7;
          bb.all &= fields;
          bb.any |= fields;
        }
        if (seen.size !== score.size) {
          score.forEach(function (_, d) { if (!seen.has(d)) { score.delete(d); bits.delete(d); } });
        }
      });
      f.optional.forEach(function (t) {
        var L = lists.get(t);
        if (!L) return;
        for (var k = 0; k < L.p.docs.length; k++) if (score.has(L.p.docs[k])) add(score, L.p.docs[k], L, k);
      });
      score.forEach(function (v, d) {
        var bb = bits.get(d);
        // Title matches, then replies whose number or 文号 holds every token, then any
        // number/文号 match, then the rest; BM25 and date order within each tier.
        var t = (bb.all & FIELD_TITLE) ? 3 : (bb.all & FIELD_NUMBER) ? 2 : (bb.any & FIELD_NUMBER) ? 1 : 0;
        if (!strictScore.has(d) || v > strictScore.get(d)) strictScore.set(d, v);
        tier.set(d, Math.max(tier.get(d) || 0, t));
      });
    }
    // Coverage of the tokens the index has (a pair that straddles two words, 村的 or 伍建,
    // may be in no reply at all), with a bonus for neighbouring pairs found together.
    var present = f.required.filter(function (t) { return lists.has(t); });
    if (present.length < 2 && f.required.length > 1) return;
    var total = 0, weight = new Map();
    present.forEach(function (t) { var w = idf(lists.get(t).df); weight.set(t, w); total += w; });
    var has = new Map();
    present.forEach(function (t, i) {
      var L = lists.get(t);
      for (var k = 0; k < L.p.docs.length; k++) {
        var d = L.p.docs[k];
        if (!has.has(d)) has.set(d, new Set());
        has.get(d).add(i);
        add(looseScore, d, L, k);
      }
    });
    has.forEach(function (found, d) {
      if (found.size < Math.min(2, present.length)) return;
      var got = 0, pairs = 0, together = 0;
      found.forEach(function (i) { got += weight.get(present[i]); });
      for (var i = 1; i < present.length; i++) {
        pairs++;
        if (found.has(i) && found.has(i - 1)) together++;
      }
      var c = (got / total) * (pairs ? 0.8 + 0.2 * together / pairs : 1) *
        (present.length / f.required.length > 0.5 ? 1 : present.length / f.required.length);
      if (!cover.has(d) || c > cover.get(d)) cover.set(d, c);
    });
  }

  // The first results of a page come with their cards (title and text) before anything is
  // shown: those are checked for the query as written, and shown with their excerpts, so
  // nothing on screen moves when they arrive. The others load as they come near the screen:
  // one request per result, and only for the results a citizen looks at.
  var FIRST_CARDS = 5;

  // Among the first strict results, those whose title holds the query as written go first,
  // then those whose text does (not just its character pairs, which may be scattered).
  function promoteExact(result) {
    if (!result.tier || !result.phrase) return Promise.resolve(result);
    var head = result.ids.slice(0, Math.min(FIRST_CARDS, result.strict));
    var textToo = result.phrase.length >= 3 && result.tokens >= 2;
    return Promise.all(head.map(function (d) {
      return card(d).then(function (c) {
        var has = function (t) { return normalize(t).replace(/\s+/g, "").indexOf(result.phrase) >= 0; };
        return result.tier.get(d) === 3 && has(c.row[0]) ? 2 : textToo && has(c.body) ? 1 : 0;
      }, function () { return 0; });
    })).then(function (grade) {
      var order = head.map(function (d, i) { return i; });
      // Title matches (tier 3) keep their place ahead of text-only phrase matches.
      order.sort(function (x, y) {
        var gx = grade[x] === 2 ? 3 : grade[x] === 1 || result.tier.get(head[x]) === 3 ? 1 : 0;
        var gy = grade[y] === 2 ? 3 : grade[y] === 1 || result.tier.get(head[y]) === 3 ? 1 : 0;
        return (gy - gx) || (x - y);
      });
      result.ids = order.map(function (i) { return head[i]; }).concat(result.ids.slice(head.length));
      return result;
    });
  }

  // ---------- rendering (text nodes only) ----------
  function highlight(el, original, segments) {
    var n = normalize(original), marks = [];
    segments.forEach(function (s) {
      var at = n.indexOf(s);
      var pieces = at >= 0 || s.length <= 2 ? [s] : [];
      if (at < 0 && s.length > 2) {
        for (var i = 0; i + 2 <= s.length; i++) pieces.push(s.slice(i, i + 2));
      }
      pieces.forEach(function (p) {
        var from = 0, pos;
        while (p && (pos = n.indexOf(p, from)) >= 0) {
          marks.push([pos, pos + p.length]);
          from = pos + p.length;
        }
      });
    });
    marks.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var at = 0;
    marks.forEach(function (m) {
      if (m[1] <= at) return;
      var start = Math.max(m[0], at);
      if (start > at) el.appendChild(document.createTextNode(original.slice(at, start)));
      var mark = document.createElement("mark");
      mark.textContent = original.slice(start, m[1]);
      el.appendChild(mark);
      at = m[1];
    });
    if (at < original.length) el.appendChild(document.createTextNode(original.slice(at)));
  }

  function excerptOf(body, segments) {
    var flat = body.replace(/\s+/g, " ").trim();
    var n = normalize(flat), best = -1;
    segments.forEach(function (s) {
      var at = n.indexOf(s);
      if (at < 0 && s.length > 2) at = n.indexOf(s.slice(0, 2));
      if (at >= 0 && (best < 0 || at < best)) best = at;
    });
    var start = best < 0 ? 0 : Math.max(0, best - 30);
    var end = Math.min(flat.length, start + 110);
    return (start > 0 ? "…" : "") + flat.slice(start, end) + (end < flat.length ? "…" : "");
  }

  // Fills li with result c ({row, body}, or null when its card could not be loaded).
  function fill(li, c, segments) {
    li.className = "reply-card";
    li.removeAttribute("aria-busy");
    li.textContent = "";
    if (!c) {
      li.textContent = "（此条结果暂时无法载入）";
      return;
    }
    var r = c.row;
    var a = document.createElement("a");
    a.className = "reply-title";
    a.href = root + r[1];
    highlight(a, r[0], segments);
    li.appendChild(a);
    var facts = document.createElement("p");
    facts.className = "reply-facts";
    [r[4] + "第" + r[3] + "号" + r[2], r[5], r[7], r[8] ? r[8] + "类" : ""].forEach(function (t) {
      if (!t) return;
      var s = document.createElement("span");
      highlight(s, t, segments);
      facts.appendChild(s);
    });
    var time = document.createElement("time");
    time.dateTime = r[6];
    time.textContent = r[6];
    facts.appendChild(time);
    li.appendChild(facts);
    if (c.body) {
      var ex = document.createElement("p");
      ex.className = "excerpt";
      highlight(ex, excerptOf(c.body, segments), segments);
      li.appendChild(ex);
    }
  }

  // A result whose card is not loaded yet: a placeholder of a card's height, filled when it
  // comes near the screen.
  function pending(d, segments) {
    var li = document.createElement("li");
    li.className = "reply-pending";
    li.setAttribute("aria-busy", "true");
    li.textContent = "载入中…";
    li.__load = function () {
      card(d).then(function (c) { fill(li, c, segments); }, function () { fill(li, null, segments); });
    };
    if (observer) observer.observe(li);
    else li.__load();
    return li;
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) {
        observer.unobserve(e.target);
        e.target.__load();
      }
    });
  }, { rootMargin: "150px 0px" }) : null;

  // ---------- state, URL and events ----------
  var sortSelect = document.getElementById("f-sort");
  function readURL() {
    var p = new URLSearchParams(location.search);
    var sort = p.get("sort") || "";
    var s = { q: p.get("q") || "", year: p.get("year") || "", kind: p.get("kind") || "",
      dept: p.get("dept") || "", cat: p.get("cat") || "", sat: p.get("sat") || "", sort: sort === "new" || sort === "old" ? sort : "" };
    LIST_FILTERS.forEach(function (lf) { s[lf[0]] = p.get(lf[0]) || ""; });
    return s;
  }
  // The list filters are not in the form: they stay until taken off.
  var listState = {};
  function readForm() {
    var s = { q: input.value, year: selects.year.value, kind: selects.kind.value,
      dept: selects.dept.value, cat: selects.cat.value, sat: selects.sat ? selects.sat.value : "", sort: sortSelect ? sortSelect.value : "" };
    LIST_FILTERS.forEach(function (lf) { s[lf[0]] = listState[lf[0]] || ""; });
    return s;
  }
  function writeForm(s) {
    input.value = s.q;
    if (sortSelect) sortSelect.value = s.sort || "";
    FACETS.forEach(function (k) {
      var sel = selects[k];
      sel.value = s[k];
      if (sel.value !== s[k]) sel.value = "";
    });
  }
  function toURL(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    FACETS.forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    LIST_FILTERS.forEach(function (lf) { if (s[lf[0]]) p.set(lf[0], s[lf[0]]); });
    if (s.sort) p.set("sort", s.sort);
    var qs = p.toString();
    return location.pathname + (qs ? "?" + qs : "");
  }

  var generation = 0, current = null, shown = 0;

  function updateCounts(result, f) {
    FACETS.forEach(function (k) {
      var counts = new Map();
      result.matched.forEach(function (d) {
        if (passes(d, f, k)) counts.set(docs[k][d], (counts.get(docs[k][d]) || 0) + 1);
      });
      Array.prototype.forEach.call(selects[k].options, function (o, i) {
        if (i === 0) return;
        var c = counts.get(i - 1) || 0;
        o.textContent = o.getAttribute("data-label") + "（" + c + "）";
      });
    });
  }

  function showMore() {
    var r = current;
    var slice = r.ids.slice(shown, shown + PAGE);
    var mine = generation;
    var first = slice.slice(0, FIRST_CARDS).map(function (d) {
      return card(d).catch(function () { return null; });
    });
    return Promise.all(first).then(function (cards) {
      if (mine !== generation) return;
      var frag = document.createDocumentFragment();
      slice.forEach(function (d, i) {
        // Where the partial matches begin, the list says so.
        if (shown + i === r.strict && r.strict < r.ids.length) {
          var note = document.createElement("li");
          note.className = "partial-note";
          note.textContent = "以下答复只含部分查询词：";
          frag.appendChild(note);
        }
        var li;
        if (i < cards.length) {
          li = document.createElement("li");
          fill(li, cards[i], r.segments);
        } else {
          li = pending(d, r.segments);
        }
        if (shown + i >= r.strict) li.setAttribute("data-partial", "1");
        frag.appendChild(li);
      });
      list.appendChild(frag);
      shown += slice.length;
      more.hidden = shown >= r.ids.length;
    });
  }

  function showActive(state) {
    if (!activeCount) return;
    var n = FACETS.concat(LIST_FILTERS.map(function (lf) { return lf[0]; }))
      .filter(function (k) { return state[k]; }).length;
    activeCount.textContent = n ? "（已选 " + n + " 项）" : "";
  }

  function run(state) {
    var mine = ++generation;
    showActive(state);
    LIST_FILTERS.forEach(function (lf) { listState[lf[0]] = state[lf[0]] || ""; });
    var f, t0;
    return ready.then(function () {
      return Promise.all([evaluate(state), listFilters(state)]);
    }).then(function (got) {
      var r = got[0];
      t0 = performance.now();
      f = filterIndexes(state);
      f.lists = got[1];
      if (mine === generation) showListFilters(state, f.lists);
      var strictIds = new Set(r.ids.slice(0, r.strict));
      r.ids = r.ids.filter(function (d) { return passes(d, f, null); });
      r.strict = r.ids.filter(function (d) { return strictIds.has(d); }).length;
      // By date, either way, when asked (partial matches stay after the full ones).
      if (state.sort === "new" || state.sort === "old" || r.filterOnly) {
        var dir = state.sort === "old" ? 1 : -1;
        var byDate = function (x, y) { return dir * (docs.date[x] - docs.date[y]) || dir * (x - y) * -1; };
        var full = r.ids.slice(0, r.strict).sort(byDate), rest = r.ids.slice(r.strict).sort(byDate);
        r.ids = full.concat(rest);
      }
      r.ms = (r.ms || 0) + performance.now() - t0;
      return state.sort || r.filterOnly ? r : promoteExact(r);
    }).then(function (r) {
      if (mine !== generation) return;
      t0 = performance.now();
      updateCounts(r, f);
      current = r;
      shown = 0;
      list.textContent = "";
      more.hidden = true;
      list.setAttribute("data-ms", String(Math.round(((r.ms || 0) + performance.now() - t0) * 10) / 10));
      list.setAttribute("data-query", state.q);
      if (r.tooShort) {
        status.textContent = "请至少输入两个汉字，或一个数字、字母组成的词。";
        return;
      }
      // Nothing asked yet: no list (the site's own lists show every reply), no downloads.
      if (r.filterOnly && !FACETS.some(function (k) { return state[k]; }) && !f.lists.length) {
        status.textContent = "请输入要找的词，或选择筛选条件。";
        list.setAttribute("data-ready", "1");
        return;
      }
      var partial = r.ids.length - r.strict;
      status.textContent = (r.filterOnly ? "共 " : "找到 ") + r.ids.length + " 件答复" +
        (partial > 0 ? (r.strict ? "，其中 " + partial + " 件只含部分查询词" : "，都只含部分查询词") : "") +
        (r.ids.length > PAGE ? "，先显示前 " + PAGE + " 件" : "") + "。";
      return showMore().then(function () {
        if (mine === generation) list.setAttribute("data-ready", "1");
      });
    }).catch(function (e) {
      if (mine !== generation) return;
      status.textContent = "搜索暂时不可用：" + e.message + "。请改用分类浏览。";
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    list.removeAttribute("data-ready");
    timer = setTimeout(function () {
      var s = readForm();
      history.replaceState(s, "", toURL(s));
      run(s);
    }, 150);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    var s = readForm();
    history.pushState(s, "", toURL(s));
    run(s);
  });
  (sortSelect ? FACETS.concat(["sort"]) : FACETS).forEach(function (k) {
    (selects[k] || sortSelect).addEventListener("change", function () {
      var s = readForm();
      history.pushState(s, "", toURL(s));
      list.removeAttribute("data-ready");
      run(s);
    });
  });
  more.addEventListener("click", function () { showMore(); });
  window.addEventListener("popstate", function () {
    var s = readURL();
    ready.then(function () { writeForm(s); run(s); });
  });
  window.dafuSearchBytes = function () { return bytesLoaded; };
  // For the tests: the tokeniser, to compare with tokenize.rs on shared cases.
  window.dafuTokens = function (text) { return ready.then(function () { return analyse(text).tokens; }); };

  var initial = readURL();
  input.value = initial.q;
  ready.then(function () {
    writeForm(initial);
    run(initial);
  }, function (e) {
    status.textContent = "搜索暂时不可用：" + e.message + "。请改用分类浏览。";
  });
})();
