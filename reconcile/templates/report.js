/* The work report's behaviour: the note panel, keyboard stepping (notes needing review
   first), the apparatus table's filters and sorting, jumps from the coverage map, the
   side-by-side witness selector. Witness text is only ever put into the page with
   textContent; the note data comes from a JSON block, never from markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var notes = data.notes;
  var order = data.order;
  var rankOf = {};
  var indexOf = {};
  order.forEach(function (i, k) { rankOf[i] = k; });
  notes.forEach(function (n, i) { indexOf[n.id] = i; });
  var cur = -1;
  var shown = -1;
  var panel = document.getElementById("panel");
  var pbody = document.getElementById("panel-body");
  var pos = document.getElementById("pos");
  var nReview = notes.filter(function (n) { return n.rv; }).length;

  /* the editor's decisions: note id -> reading, kept in this browser under the run's hash */
  var storeKey = "reconcile:" + data.run;
  var decided = {};
  try { decided = JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (err) { decided = {}; }
  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(decided)); } catch (err) { /* private mode: kept for this visit */ }
  }
  function progress() {
    var d = 0; var left = 0;
    notes.forEach(function (n) { if (decided[n.id] !== undefined) { d++; } else if (n.rv) { left++; } });
    var p = document.getElementById("progress");
    if (p) { p.textContent = "Decided " + d + " of " + notes.length + " notes; " + left + " needing review left."; }
    notes.forEach(function (n, i) { var m = markOf(i); if (m) { m.classList.toggle("decided", decided[n.id] !== undefined); } });
  }
  function decide(i, text) {
    var n = notes[i];
    if (text === null || text === undefined) { delete decided[n.id]; } else { decided[n.id] = text; }
    save();
    progress();
    show(i);
  }
  function exported() {
    var mine = {};
    notes.forEach(function (n) { if (decided[n.id] !== undefined) { mine[n.id] = true; } });
    /* the page's decisions first: the tool applies the first pin that matches a note, so
       a decision made here wins over an older pin by context for the same place */
    var out = [];
    notes.forEach(function (n) {
      if (decided[n.id] !== undefined) { out.push({ note: n.id, reading: decided[n.id], work: data.work }); }
    });
    (window.reconcileGiven || []).forEach(function (g) { if (!(g.note && mine[g.note])) { out.push(g); } });
    return JSON.stringify({ decisions: out }, null, 1) + "\n";
  }

  /* the run's decisions come from decisions.js beside index.html: without it (a report
     copied on its own) an export would silently lose them, so say so */
  if (window.reconcileGiven === undefined && document.getElementById("decide")) {
    document.getElementById("decide").appendChild(el("p", "warn",
      "decisions.js is missing beside index.html: an export holds this page's decisions only, not those the run was given."));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function markOf(i) { return document.getElementById("m-" + notes[i].id); }
  function rowOf(i) { return document.getElementById("r-" + notes[i].id); }
  function reading(t, chosen) {
    return el("span", "rd" + (t ? "" : " none") + (chosen ? " chosen" : ""), t ? t : "nothing");
  }
  function sig(id) {
    var w = data.witnesses[id];
    return w ? w.siglum : "?";
  }

  function status(i) {
    var k = rankOf[i];
    var n = notes[i];
    var txt = "Note " + (k + 1) + " of " + notes.length;
    txt += n.rv ? " \u00b7 needs review (" + (k + 1) + " of " + nReview + ")" : " \u00b7 no review needed";
    pos.textContent = txt;
  }

  function show(i) {
    var n = notes[i];
    pbody.textContent = "";
    var h = el("h3");
    h.appendChild(el("span", "badge", n.k));
    if (n.rv) { h.appendChild(el("span", "badge rv", "needs review")); }
    h.appendChild(el("span", "muted small", "note " + (rankOf[i] + 1) + " of " + notes.length));
    pbody.appendChild(h);
    var ctx = el("div", "ctx");
    ctx.setAttribute("lang", document.getElementById("canon").getAttribute("lang"));
    ctx.appendChild(document.createTextNode("\u2026" + n.b));
    ctx.appendChild(el("b", null, n.r.length && n.r[0].t ? n.r[0].t : "\u2038"));
    ctx.appendChild(document.createTextNode(n.a + "\u2026"));
    pbody.appendChild(ctx);
    pbody.appendChild(el("div", "small muted", "Readings (the first is the canonical text's):"));
    var ol = el("ol", "readings");
    var mine = decided[n.id];
    if (mine !== undefined) {
      var yours = el("p", "yours");
      yours.appendChild(el("strong", null, "Your decision: "));
      yours.appendChild(reading(mine, true));
      var ub = el("button", null, "undo (u)"); ub.type = "button";
      ub.addEventListener("click", function () { decide(i, null); });
      yours.appendChild(document.createTextNode(" ")); yours.appendChild(ub);
      pbody.appendChild(yours);
    }
    n.r.forEach(function (r, k) {
      var li = el("li");
      li.appendChild(reading(r.t, r.t === n.ch));
      if (r.t === n.ch) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "badge", "chosen")); }
      if (k < 9) {
        var b = el("button", "take", (mine === r.t ? "\u2713 taken" : "take") + " (" + (k + 1) + ")");
        b.type = "button";
        b.setAttribute("aria-label", "take reading " + (k + 1) + (r.t ? ": " + r.t : ": nothing"));
        b.addEventListener("click", function () { decide(i, r.t); });
        li.appendChild(document.createTextNode(" ")); li.appendChild(b);
      }
      var wl = el("ul", "wl");
      if (!r.w.length) { wl.appendChild(el("li", "muted", "no witness")); }
      r.w.forEach(function (w) {
        var wli = el("li");
        wli.appendChild(el("span", "sig", sig(w[0])));
        wli.appendChild(document.createTextNode(" "));
        var where = el("code", null, w[0] + ":" + w[1] + ":" + w[2]);
        if (w[3] >= 0) {
          /* the file as read, at that line, the reading marked */
          var oa = el("a", "orig");
          oa.href = "original/" + w[3] + ".html#L" + w[1] + "." + w[2] + "." + Math.max(1, Array.from(r.t || "").length);
          oa.title = "open the original file at this line";
          oa.addEventListener("click", function (e) {
            /* inside the report: a dialog holding the original page (its own page with a
               modifier key or where dialogs are missing) */
            var dlg = document.getElementById("orig");
            if (!dlg || !dlg.showModal || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
            e.preventDefault();
            document.getElementById("orig-title").textContent = w[0] + ":" + w[1] + ":" + w[2];
            document.getElementById("orig-page").href = oa.href;
            document.getElementById("orig-frame").src = oa.href;
            dlg.showModal();
          });
          oa.appendChild(where);
          wli.appendChild(oa);
        } else { wli.appendChild(where); }
        wl.appendChild(wli);
      });
      li.appendChild(wl);
      ol.appendChild(li);
    });
    pbody.appendChild(ol);
    var typed = el("form", "typed");
    var inp = el("input"); inp.type = "text"; inp.id = "typed"; inp.setAttribute("aria-label", "another reading");
    inp.placeholder = "another reading (e)"; inp.setAttribute("lang", document.getElementById("canon").getAttribute("lang"));
    var tb = el("button", null, "take"); tb.type = "submit";
    typed.appendChild(inp); typed.appendChild(document.createTextNode(" ")); typed.appendChild(tb);
    typed.addEventListener("submit", function (e) { e.preventDefault(); decide(i, inp.value); });
    pbody.appendChild(typed);
    var dl = el("dl");
    function item(k, v) { dl.appendChild(el("dt", null, k)); var d = el("dd"); if (typeof v === "string") { d.textContent = v; } else { d.appendChild(v); } dl.appendChild(d); }
    item("kind", n.k);
    var conf = el("span");
    var m = el("span", "meter"); var mi = el("span"); mi.style.width = Math.round(n.c * 100) + "%"; m.appendChild(mi);
    conf.appendChild(m); conf.appendChild(document.createTextNode(" " + n.c.toFixed(2)));
    item("confidence", conf);
    item("review", n.rv ? "yes" : "no");
    item("reason", n.re);
    item("place", "paragraph " + n.p + ", offset " + n.o + (n.l ? ", " + n.l + " characters" : ", insertion point"));
    item("id", n.id);
    pbody.appendChild(dl);
    var nav = el("div", "nav");
    var bp = el("button", null, "\u25c0 previous"); bp.type = "button"; bp.addEventListener("click", prev);
    var bn = el("button", null, "next \u25b6"); bn.type = "button"; bn.addEventListener("click", next);
    var a = el("a", null, "row in the apparatus"); a.href = "#r-" + n.id;
    a.addEventListener("click", function (e) { e.preventDefault(); var r = rowOf(i); if (r) { r.scrollIntoView({ block: "center" }); } });
    nav.appendChild(bp); nav.appendChild(bn); nav.appendChild(a);
    pbody.appendChild(nav);
    panel.hidden = false;
    document.body.classList.add("panel-open");
    if (shown >= 0) {
      var om = markOf(shown); if (om) { om.classList.remove("cur"); }
      var or = rowOf(shown); if (or) { or.classList.remove("cur"); }
    }
    shown = i;
    cur = rankOf[i];
    var mk = markOf(i); if (mk) { mk.classList.add("cur"); }
    var row = rowOf(i); if (row) { row.classList.add("cur"); }
    status(i);
  }

  function hide() {
    panel.hidden = true;
    document.body.classList.remove("panel-open");
  }

  function go(k) {
    if (!order.length) { pos.textContent = "No notes in this work."; return; }
    k = Math.max(0, Math.min(order.length - 1, k));
    var i = order[k];
    var m = markOf(i);
    show(i);
    if (m) {
      m.focus({ preventScroll: true });
      reveal(m);
    }
  }
  /* scroll a mark into the part of the window the note panel leaves free */
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 1100px)") : null;
  function reveal(m) {
    var r = m.getBoundingClientRect();
    var want = window.innerHeight * (narrow && narrow.matches ? 0.25 : 0.45);
    window.scrollBy(0, r.top - want);
  }
  function next() { go(cur < 0 ? 0 : cur + 1); }
  function prev() { go(cur < 0 ? 0 : cur - 1); }

  document.getElementById("next").addEventListener("click", next);
  document.getElementById("prev").addEventListener("click", prev);
  document.getElementById("close").addEventListener("click", function () {
    hide();
    if (shown >= 0) { var m = markOf(shown); if (m) { m.focus({ preventScroll: true }); } }
  });

  var canon = document.getElementById("canon");
  canon.addEventListener("focusin", function (e) {
    var t = e.target;
    if (t && t.matches && t.matches("mark.nt[data-i]")) { show(+t.getAttribute("data-i")); }
  });
  canon.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("mark.nt[data-i]") : null;
    if (!t) { return; }
    var i = +t.getAttribute("data-i");
    var m = markOf(i);
    if (m && document.activeElement !== m) { m.focus({ preventScroll: true }); }
    show(i);
  });

  /* a jump key moves focus as well as the view, so Tab goes on from there */
  function focusIn(selector, fallback) {
    var t = document.querySelector(selector) || document.getElementById(fallback);
    if (!t) { return; }
    if (!t.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) { t.setAttribute("tabindex", "-1"); }
    t.focus({ preventScroll: true });
  }
  function scrollTo(id) {
    var t = document.getElementById(id);
    if (t) { t.scrollIntoView({ block: "start" }); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var dlg = document.getElementById("orig");
    if (dlg && dlg.open) { return; }  /* the original's dialog has the keys (Esc closes it) */
    var t = e.target;
    var tag = t && t.tagName ? t.tagName : "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (t && t.isContentEditable)) {
      if (e.key === "Escape") { hide(); }
      return;
    }
    var onMark = t && t.matches && t.matches("mark.nt[data-i]");
    var inMap = t && t.closest ? t.closest("figure.cov svg svg") : null;
    if (inMap && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      /* one tab stop per row of the map; the arrows walk its stretches */
      var links = Array.prototype.slice.call(inMap.querySelectorAll("a"));
      var at = links.indexOf(t.closest("a"));
      var to = links[Math.max(0, Math.min(links.length - 1, at + (e.key === "ArrowRight" ? 1 : -1)))];
      if (to) { to.focus(); }
      e.preventDefault();
      return;
    }
    if (inMap && (e.key === "Enter" || e.key === " ")) {
      if (follow(t.closest("a").getAttribute("href") || "")) { e.preventDefault(); }
      return;
    }
    switch (e.key) {
      case "n": case "j": next(); break;
      case "p": case "k": prev(); break;
      case "Escape": hide(); break;
      case "Enter": case " ":
        if (!onMark) { return; }
        show(+t.getAttribute("data-i"));
        break;
      case "1": case "2": case "3": case "4": case "5": case "6": case "7": case "8": case "9":
        if (shown < 0 || panel.hidden) { return; }
        var r = notes[shown].r[+e.key - 1];
        if (!r) { return; }
        decide(shown, r.t);
        break;
      case "u":
        if (shown < 0 || panel.hidden) { return; }
        decide(shown, null);
        break;
      case "e":
        if (shown < 0 || panel.hidden) { return; }
        document.getElementById("typed").focus();
        break;
      case "h": toggleHeat(); break;
      case "t": scrollTo("text"); focusIn("#canon mark.nt[id]", "canon"); break;
      case "c":
        scrollTo("map");
        var first = document.querySelector("figure.cov a[tabindex='0']");
        if (first) { first.focus({ preventScroll: true }); }
        break;
      case "a": scrollTo("apparatus"); focusIn("#apparatus", "apparatus"); break;
      case "s": scrollTo("sbs"); focusIn("#sbs", "sbs"); break;
      default: return;
    }
    e.preventDefault();
  });

  /* jumps to a stretch of the canonical text: offsets count code points */
  function cps(s) { var n = 0; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xDC00 || c > 0xDFFF) { n++; } } return n; }
  function unitAt(s, k) {
    var i = 0; var n = 0;
    while (i < s.length && n < k) { var c = s.charCodeAt(i); i += (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) ? 2 : 1; n++; }
    return i;
  }
  function point(p, k) {
    var walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    var node = walk.nextNode();
    var last = null;
    while (node) {
      var n = cps(node.data);
      if (k <= n) { return [node, unitAt(node.data, k)]; }
      k -= n;
      last = node;
      node = walk.nextNode();
    }
    return last ? [last, last.data.length] : [p, 0];
  }
  function jumpTo(off, len) {
    var ps = canon.querySelectorAll("p[data-o]");
    var p = null;
    for (var j = 0; j < ps.length; j++) { if (+ps[j].getAttribute("data-o") <= off) { p = ps[j]; } else { break; } }
    if (!p) { p = ps[0]; }
    if (!p) { return; }
    var start = off - +p.getAttribute("data-o");
    var plen = cps(p.textContent);
    var a = point(p, Math.min(start, plen));
    var b = point(p, Math.min(start + Math.max(len, 1), plen));
    var r = document.createRange();
    try { r.setStart(a[0], a[1]); r.setEnd(b[0], b[1]); } catch (err) { r.selectNodeContents(p); }
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("jump", new Highlight(r));
    } else {
      p.classList.remove("flash"); void p.offsetWidth; p.classList.add("flash");
    }
    var rect = r.getBoundingClientRect();
    if (!rect || (!rect.width && !rect.height)) { rect = p.getBoundingClientRect(); }
    window.scrollBy(0, rect.top - window.innerHeight / 3);
    p.setAttribute("tabindex", "-1");
    p.focus({ preventScroll: true });
  }

  /* the side-by-side selector */
  var sel = document.getElementById("sbs-select");
  function pick(s) {
    if (!sel) { return; }
    var found = false;
    Array.prototype.forEach.call(document.querySelectorAll("section.sbs"), function (sec) {
      var on = sec.getAttribute("data-s") === s;
      sec.hidden = !on;
      found = found || on;
    });
    if (found) { sel.value = s; }
  }
  if (sel) { sel.addEventListener("change", function () { pick(sel.value); against(vs ? vs.value : ""); }); }
  /* any two witnesses: the left column shows the other witness's paragraph as the page
     has it (its differences from the canonical text marked), where it prints it */
  var vs = document.getElementById("sbs-against");
  var kept = new Map();
  function against(other) {
    Array.prototype.forEach.call(document.querySelectorAll("section.sbs"), function (sec) {
      if (sec.hidden) { return; }
      var me = sec.getAttribute("data-s");
      var head = sec.querySelector(".row.hd > div:nth-child(2)");
      if (head) {
        if (!kept.has(head)) { kept.set(head, head.textContent); }
        head.textContent = other ? "Witness " + other : kept.get(head);
      }
      Array.prototype.forEach.call(sec.querySelectorAll(".row[id]"), function (row) {
        var c = row.querySelector(".c");
        if (!c) { return; }
        if (!kept.has(c)) { kept.set(c, Array.prototype.slice.call(c.childNodes)); }
        c.textContent = "";
        if (!other || other === me) {
          kept.get(c).forEach(function (n) { c.appendChild(n); });
          return;
        }
        var n = row.id.slice(("s-" + me + "-").length);
        var theirs = document.getElementById("s-" + other + "-" + n);
        var w = theirs ? theirs.querySelector(".w") : null;
        if (w) {
          Array.prototype.forEach.call(w.childNodes, function (x) { c.appendChild(x.cloneNode(true)); });
        } else {
          c.appendChild(el("span", "gapband", "not in " + other));
        }
      });
    });
  }
  if (vs) { vs.addEventListener("change", function () { against(vs.value); }); }
  /* a paragraph a witness prints exactly as the canonical text is sent once: copy it */
  Array.prototype.forEach.call(document.querySelectorAll(".sbs .w.same"), function (w) {
    var c = w.previousElementSibling;
    var p = c ? document.getElementById("p-" + c.getAttribute("data-p")) : null;
    if (!p) { return; }
    c.textContent = p.textContent;
    var copy = w.querySelector(".copy");
    if (copy) { copy.textContent = p.textContent; copy.className = ""; }
  });

  function follow(hash) {
    var m;
    if ((m = /^#at-(\d+)-(\d+)$/.exec(hash))) { jumpTo(+m[1], +m[2]); return true; }
    if ((m = /^#m-(.+)$/.exec(hash)) && indexOf[m[1]] !== undefined) { go(rankOf[indexOf[m[1]]]); return true; }
    if ((m = /^#sbs-([A-Z]+)$/.exec(hash)) && sel) { pick(m[1]); scrollTo("sbs"); return true; }
    return false;
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a") : null;
    if (!a) { return; }
    var href = a.getAttribute("href") || "";
    if (href.charAt(0) !== "#") { return; }
    if (follow(href)) { e.preventDefault(); }
  });
  window.addEventListener("hashchange", function () { follow(location.hash); });

  /* the apparatus table */
  var table = document.getElementById("app");
  /* its rows are built here from the data, not sent as markup: a work of thousands of notes
     would otherwise carry its apparatus twice */
  function appRow(i) {
    var n = notes[i];
    var tr = el("tr");
    var differs = {};
    n.r.slice(1).forEach(function (r) { r.w.forEach(function (w) { differs[sig(w[0])] = true; }); });
    tr.id = "r-" + n.id;
    tr.setAttribute("data-i", i); tr.setAttribute("data-rank", rankOf[i] + 1);
    tr.setAttribute("data-o", n.o); tr.setAttribute("data-kind", n.k);
    tr.setAttribute("data-w", Object.keys(differs).sort().join(" "));
    tr.setAttribute("data-conf", n.c); tr.setAttribute("data-bucket", n.bk);
    tr.setAttribute("data-rv", n.rv ? "1" : "0");
    tr.appendChild(el("td", "num", String(rankOf[i] + 1)));
    var place = el("td"); var go_ = el("a", "go", "\u00b6" + n.p + " \u00b7 " + n.o);
    go_.href = "#m-" + n.id; go_.setAttribute("data-i", i); place.appendChild(go_); tr.appendChild(place);
    var kd = el("td"); kd.appendChild(el("span", "badge", n.k)); tr.appendChild(kd);
    var cx = el("td");
    cx.appendChild(el("span", "ctx", "\u2026" + n.b));
    cx.appendChild(reading(n.r.length ? n.r[0].t : "", false));
    cx.appendChild(el("span", "ctx", n.a + "\u2026"));
    tr.appendChild(cx);
    var rd = el("td"); var list = el("div", "rlist");
    n.r.forEach(function (r) {
      var d = el("div");
      d.appendChild(reading(r.t, false));
      if (r.t === n.ch) { d.appendChild(document.createTextNode(" ")); d.appendChild(el("span", "badge", "chosen")); }
      d.appendChild(document.createTextNode(" "));
      r.w.forEach(function (w) {
        var sg = el("span", "sig", sig(w[0])); sg.title = w[0] + ":" + w[1] + ":" + w[2];
        d.appendChild(sg); d.appendChild(document.createTextNode(" "));
      });
      list.appendChild(d);
    });
    rd.appendChild(list); tr.appendChild(rd);
    tr.appendChild(el("td", "num", n.c.toFixed(2)));
    var rv = el("td");
    rv.appendChild(n.rv ? el("span", "badge rv", "review") : el("span", "muted", "no"));
    tr.appendChild(rv);
    ["#", "Place", "Kind", "Canonical text", "Readings", "Confidence", "Review"].forEach(function (label, k) {
      tr.cells[k].setAttribute("data-label", label);  /* the card's field names in a narrow window */
    });
    return tr;
  }
  if (table) {
    var tbody = table.tBodies[0];
    var frag = document.createDocumentFragment();
    for (var k = 0; k < order.length; k++) { frag.appendChild(appRow(order[k])); }
    tbody.appendChild(frag);
    var rows = Array.prototype.slice.call(tbody.rows);
    var fKind = document.getElementById("f-kind");
    var fWit = document.getElementById("f-wit");
    var fConf = document.getElementById("f-conf");
    var fRev = document.getElementById("f-review");
    var count = document.getElementById("f-count");
    var filter = function () {
      var k = fKind.value; var w = fWit.value; var c = fConf.value; var r = fRev.checked;
      var n = 0;
      rows.forEach(function (tr) {
        var ok = (!k || tr.getAttribute("data-kind") === k) &&
          (!w || (" " + tr.getAttribute("data-w") + " ").indexOf(" " + w + " ") >= 0) &&
          (!c || tr.getAttribute("data-bucket") === c) &&
          (!r || tr.getAttribute("data-rv") === "1");
        tr.hidden = !ok;
        if (ok) { n++; }
      });
      count.textContent = n + " of " + rows.length + " notes shown";
    };
    [fKind, fWit, fConf, fRev].forEach(function (f) { f.addEventListener("change", filter); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var key = th.getAttribute("data-key");
      if (!key) { return; }
      var btn = th.querySelector("button");
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { if (o.hasAttribute("aria-sort")) { o.setAttribute("aria-sort", "none"); } });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.getAttribute("data-type") === "num";
        var attr = "data-" + key;
        rows.sort(function (x, y) {
          var a = x.getAttribute(attr); var b = y.getAttribute(attr);
          var d = num ? (+a - +b) : (a < b ? -1 : a > b ? 1 : 0);
          if (d === 0) { d = +x.getAttribute("data-rank") - +y.getAttribute("data-rank"); }
          return asc ? d : -d;
        });
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    });
    tbody.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a.go") : null;
      if (!a) { return; }
      e.preventDefault();
      go(rankOf[+a.getAttribute("data-i")]);
    });
  }

  if (location.hash) { follow(location.hash); }
  /* the heat view: each marked place shaded by how many witnesses dissent */
  function toggleHeat() {
    var on = document.getElementById("canon").classList.toggle("heat");
    var hb = document.getElementById("heat");
    if (hb) { hb.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  var heatBtn = document.getElementById("heat");
  if (heatBtn) { heatBtn.addEventListener("click", toggleHeat); }
  /* export: a download, and the clipboard (a selected text box where it is refused) */
  var exp = document.getElementById("export");
  if (exp) {
    exp.addEventListener("click", function () {
      var a = document.createElement("a");
      a.href = "data:application/json;charset=utf-8," + encodeURIComponent(exported());
      a.download = "reconcile-decisions.json";
      document.body.appendChild(a); a.click(); a.remove();
    });
  }
  var cp = document.getElementById("copy");
  if (cp) {
    cp.addEventListener("click", function () {
      var txt = exported();
      function fallback() {
        var ta = el("textarea"); ta.value = txt; ta.setAttribute("aria-label", "decisions");
        ta.rows = 6; cp.parentNode.appendChild(ta); ta.select();
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(txt).then(function () { cp.textContent = "Copied"; }, fallback);
      } else { fallback(); }
    });
  }
  progress();
}());
