/* The search page: asks the site's Pagefind bundle (pagefind/pagefind.js, made by the build) for
   the words of ?q=, and lists the records found, each leading to its place on its page. Pagefind
   ranks the pages and splits each page's hits by its records' headings; a page's records are listed
   with the page, the ones with most hits first. Only the index chunks of the words asked for and the
   fragments of the pages listed are fetched. Content reaches the page only as text (textContent),
   and the snippets are made here from the pages' plain text: no markup of the index is ever read. */
(function () {
  "use strict";

  var SHOWN = 50;        // results listed at most
  var PAGES = 20;        // pages whose fragments are fetched at most, for those results
  var SNIPPET = 30;      // words of a record's text shown
  var LEAD = 8;          // words shown before the first hit
  var PUNCTUATED = /^([\p{P}\p{S}]*)([\s\S]*?)([\p{P}\p{S}]*)$/u;
  var results = document.getElementById("search-results");
  var input = document.getElementById("search-query");
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (input) { input.value = query; }
  if (!results) { return; }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function say(text) {
    results.textContent = "";
    results.appendChild(element("p", "search-summary", text));
  }

  // A page opened from disk may not load the index (browsers refuse module scripts and fetches
  // from file: addresses): say how to serve the folder instead.
  if (window.location.protocol === "file:") {
    var notice = document.getElementById("search-served");
    if (notice) { notice.hidden = false; }
    return;
  }
  if (!query) { return; }

  // Pagefind's addresses start at the server's root; the search page is at the site's root, the
  // folder that holds the bundle's, so each address less that folder is relative to the page.
  var bundle = new URL(results.getAttribute("data-index"), document.baseURI);
  var root = new URL("../", bundle).pathname;
  function relative(url) {
    return url.indexOf(root) === 0 ? url.slice(root.length) : url;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // The words, each once; the longest first, so that a highlight prefers the longer of two overlapping words.
  var words = query.split(/\s+/).filter(function (word, i, all) { return word && all.indexOf(word) === i; });
  words.sort(function (a, b) { return b.length - a.length; });
  var anyWord = new RegExp(words.map(escapeRegExp).join("|"), "giu");

  // `text` into `parent`, every match of a word inside a <mark>.
  function appendMarked(parent, text) {
    var at = 0, match;
    anyWord.lastIndex = 0;
    while ((match = anyWord.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      parent.appendChild(element("mark", "", match[0]));
      at = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // A record's snippet: up to SNIPPET words of its part of the page's text (`words`, from
  // `start` to `end`, its heading left out), from a little before its first hit, each hit marked.
  function appendSnippet(parent, words, start, end, hits) {
    var first = hits.filter(function (at) { return at >= start && at < end; })[0];
    var from = first === undefined ? start : Math.max(start, first - LEAD);
    var to = Math.min(end, from + SNIPPET);
    var marked = {};
    hits.forEach(function (at) { marked[at] = true; });
    var text = from > start ? "…" : "";
    for (var at = from; at < to; at++) {
      if (marked[at]) {
        // The word is marked, not the punctuation around it.
        var parts = PUNCTUATED.exec(words[at]);
        parent.appendChild(document.createTextNode(text + (at > from ? " " : "") + parts[1]));
        parent.appendChild(element("mark", "", parts[2]));
        text = parts[3];
      } else {
        text += (at > from ? " " : "") + words[at];
      }
    }
    parent.appendChild(document.createTextNode(text + (to < end ? " …" : "")));
  }

  function count(text) {
    return text.split(/\s+/).filter(Boolean).length;
  }

  function score(sub) {
    return (sub.weighted_locations || []).reduce(function (sum, at) { return sum + at.balanced_score; }, 0);
  }

  // The records found on one page, the ones with most hits first. Each heading starts a record's
  // part of the page's text, which runs to the next heading; the page's own part starts with its title.
  function records(page) {
    var words = page.content.split(/[\r\n\s]+/);
    var starts = page.anchors.filter(function (anchor) { return /^h\d$/i.test(anchor.element); })
      .map(function (anchor) { return anchor.location; }).sort(function (a, b) { return a - b; });
    return page.sub_results.map(function (sub, order) {
      var start = sub.anchor ? sub.anchor.location : 0;
      var end = starts.filter(function (at) { return at > start; })[0];
      return {
        url: relative(sub.url),
        title: sub.title,
        where: sub.anchor ? page.meta.page : (page.meta.kind || ""),
        text: {words: words, start: start + count(sub.title), end: end === undefined ? words.length : end,
               hits: sub.locations},
        score: score(sub),
        order: order
      };
    }).sort(function (a, b) { return (b.score - a.score) || (a.order - b.order); });
  }

  function show(found, pages, total) {
    var counted = (found.length === 1 ? "1 result" : found.length + " results") + " for “" + query + "”";
    results.textContent = "";
    results.appendChild(element("p", "search-summary", found.length === 0 ?
      "Nothing found for “" + query + "”. Try fewer or other words." :
      total > pages ? counted + " on the first " + pages + " of " + total + " pages found: add words to narrow the search." :
      found.length > SHOWN ? counted + ", the first " + SHOWN + " shown: add words to narrow the search." :
      counted + "."));
    found.slice(0, SHOWN).forEach(function (result) {
      var article = element("article", "search-result");
      var heading = element("h3");
      var link = element("a");
      link.href = result.url;
      appendMarked(link, result.title);
      heading.appendChild(link);
      article.appendChild(heading);
      if (result.where) {
        article.appendChild(element("p", "search-result__page", result.where));
      }
      var part = result.text;
      if (part.end > part.start) {
        var text = element("p", "search-result__text");
        appendSnippet(text, part.words, part.start, part.end, part.hits);
        article.appendChild(text);
      }
      results.appendChild(article);
    });
  }

  say("Searching for “" + query + "”…");
  import(bundle.href).then(function (pagefind) {
    return pagefind.search(query).then(function (search) {
      var pages = search.results.slice(0, PAGES);
      return Promise.all(pages.map(function (result) { return result.data(); })).then(function (data) {
        var found = [];
        data.forEach(function (page) { found = found.concat(records(page)); });
        show(found, pages.length, search.results.length);
      });
    });
  }).catch(function () {
    say("Search could not load its index. Reload the page; if it persists, the site needs rebuilding.");
  });
}());
