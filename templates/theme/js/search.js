/* The search page: finds the words of ?q= in the entries of search/index.js (window.briefingSearch).
   Every word must occur in an entry's title or text, as a substring in any case (so Chinese names,
   written without spaces, are found too); entries whose title holds more of the words come first,
   and of those, entries whose title starts with the words as typed (a person's name).
   Content reaches the page only as text (textContent), never as markup. */
(function () {
  "use strict";

  var SHOWN = 50;        // results listed at most
  var SNIPPET = 180;     // characters of text around the first match
  var entries = window.briefingSearch || [];
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var input = document.getElementById("search-query");
  var results = document.getElementById("search-results");
  if (input) { input.value = query; }
  if (!results || !query) { return; }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // The words, each once; the longest first, so that a highlight prefers the longer of two overlapping words.
  var words = query.split(/\s+/).filter(function (word, i, all) { return word && all.indexOf(word) === i; });
  words.sort(function (a, b) { return b.length - a.length; });
  var patterns = words.map(function (word) { return new RegExp(escapeRegExp(word), "iu"); });
  var anyWord = new RegExp(words.map(escapeRegExp).join("|"), "giu");

  var lowerQuery = query.toLowerCase();
  var found = [];
  entries.forEach(function (entry, order) {
    var inTitle = 0;
    for (var i = 0; i < patterns.length; i++) {
      var titled = patterns[i].test(entry.title);
      if (!titled && !patterns[i].test(entry.text)) { return; }
      if (titled) { inTitle++; }
    }
    var leads = entry.title.toLowerCase().indexOf(lowerQuery) === 0 ? 1 : 0;
    found.push({entry: entry, inTitle: inTitle, leads: leads, order: order});
  });
  found.sort(function (a, b) { return (b.inTitle - a.inTitle) || (b.leads - a.leads) || (a.order - b.order); });

  // Up to SNIPPET characters of `text` around its first match, cut at spaces where there are any.
  function snippet(text) {
    anyWord.lastIndex = 0;
    var match = anyWord.exec(text);
    var at = match ? match.index : 0;
    var start = Math.max(0, at - SNIPPET / 3);
    var end = Math.min(text.length, start + SNIPPET);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < at ? space + 1 : start;
    }
    if (end < text.length) {
      var last = text.lastIndexOf(" ", end);
      end = last > Math.max(start, at) ? last : end;
    }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // `text` into `parent`, every match of a word inside a <mark>.
  function appendMarked(parent, text) {
    var at = 0, match;
    anyWord.lastIndex = 0;
    while ((match = anyWord.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = match[0];
      parent.appendChild(mark);
      at = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    return node;
  }

  var summary = element("p", "search-summary");
  summary.textContent = found.length === 0 ? "Nothing found for “" + query + "”. Try fewer or other words." :
    (found.length === 1 ? "1 result" : found.length + " results") + " for “" + query + "”" +
    (found.length > SHOWN ? ", the first " + SHOWN + " shown: add words to narrow the search." : ".");
  results.appendChild(summary);
  found.slice(0, SHOWN).forEach(function (result) {
    var entry = result.entry;
    var article = element("article", "search-result");
    var heading = element("h3");
    var link = element("a");
    link.href = entry.url;
    appendMarked(link, entry.title);
    heading.appendChild(link);
    article.appendChild(heading);
    if (entry.page) {
      var where = element("p", "search-result__page");
      where.textContent = entry.page;
      article.appendChild(where);
    }
    if (entry.text) {
      var text = element("p", "search-result__text");
      appendMarked(text, snippet(entry.text));
      article.appendChild(text);
    }
    results.appendChild(article);
  });
}());
